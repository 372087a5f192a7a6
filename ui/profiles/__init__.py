"""The Profiles page: sections of the form, the toolbar, history and the unsaved draft."""
