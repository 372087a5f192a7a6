"""The shared libraries: deck prompts, slide styles and images, with import and export.

Each verb is `verb_noun(session, user, *, ...)`, loaded on first use (see services/verbs.py).
"""

from __future__ import annotations

from slidegen.services.verbs import lazy_verbs

__getattr__, __all__ = lazy_verbs(
    __name__,
    {
        "create_deck_prompt": "deck_prompts",
        "deck_prompt_categories": "deck_prompts",
        "delete_deck_prompt": "deck_prompts",
        "duplicate_deck_prompt": "deck_prompts",
        "find_deck_prompt": "deck_prompts",
        "get_deck_prompt": "deck_prompts",
        "search_deck_prompts": "deck_prompts",
        "update_deck_prompt": "deck_prompts",
        "delete_image": "images",
        "has_images": "images",
        "image_categories": "images",
        "image_data_uris": "images",
        "search_images": "images",
        "update_image": "images",
        "upload_image": "images",
        "create_slide_style": "slide_styles",
        "delete_slide_style": "slide_styles",
        "duplicate_slide_style": "slide_styles",
        "find_slide_style": "slide_styles",
        "get_slide_style": "slide_styles",
        "search_slide_styles": "slide_styles",
        "set_default_slide_style": "slide_styles",
        "update_slide_style": "slide_styles",
        "export_library": "transfer",
        "import_library": "transfer",
    },
)
