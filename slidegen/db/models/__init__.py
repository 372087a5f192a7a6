"""All models, imported here so the metadata is complete wherever models are used."""

from slidegen.db.models.assets import ImageAsset
from slidegen.db.models.google import (
    GoogleGlobalCredential,
    GoogleOAuthState,
    GoogleOAuthToken,
    GooglePresentation,
)
from slidegen.db.models.jobs import ChatRequest, ExportFile, ExportJob
from slidegen.db.models.library import SlideDeckPrompt, SlideStyle
from slidegen.db.models.operations import (
    AppIdentity,
    FeedbackConversation,
    RequestLog,
    SurveyResponse,
    SurveySchedule,
    UsagePrice,
)
from slidegen.db.models.profiles import (
    ConfigAIInfra,
    ConfigDataSource,
    ConfigGenieSpace,
    ConfigHistory,
    ConfigMLflow,
    ConfigProfile,
    ConfigProfileContributor,
    ConfigPrompts,
    UserProfilePreference,
)
from slidegen.db.models.sessions import (
    SessionMessage,
    SessionPermission,
    SessionSlideDeck,
    SlideDeckVersion,
    UserSession,
)
from slidegen.db.models.usage import UsageDay, UsageDayUser, UsageLatency, UsageVerification

__all__ = [
    "AppIdentity",
    "ChatRequest",
    "ConfigAIInfra",
    "ConfigDataSource",
    "ConfigGenieSpace",
    "ConfigHistory",
    "ConfigMLflow",
    "ConfigProfile",
    "ConfigProfileContributor",
    "ConfigPrompts",
    "ExportFile",
    "ExportJob",
    "FeedbackConversation",
    "GoogleGlobalCredential",
    "GoogleOAuthState",
    "GoogleOAuthToken",
    "GooglePresentation",
    "ImageAsset",
    "RequestLog",
    "SessionMessage",
    "SessionPermission",
    "SessionSlideDeck",
    "SlideDeckPrompt",
    "SlideDeckVersion",
    "SlideStyle",
    "SurveyResponse",
    "SurveySchedule",
    "UserProfilePreference",
    "UsageDay",
    "UsageDayUser",
    "UsageLatency",
    "UsagePrice",
    "UsageVerification",
    "UserSession",
]
