"""Services: `verb_noun(session, user, *, ...) -> Schema`; they authorize, flush, never commit."""
