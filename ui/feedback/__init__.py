"""The Feedback dialog: a short conversation, then a summary the user confirms."""
