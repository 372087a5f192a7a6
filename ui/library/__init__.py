"""The Library page: one module per tab (deck prompts, slide styles, images, import/export)."""
