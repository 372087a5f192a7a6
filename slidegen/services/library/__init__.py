"""The shared libraries: deck prompts, slide styles and images, with import and export."""

from slidegen.services.verbs import lazy_verbs

__getattr__ = lazy_verbs(__name__, ("deck_prompts", "images", "slide_styles", "transfer"))
