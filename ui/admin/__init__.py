"""The Admin page (admins): workspace-wide settings kept in the database."""
