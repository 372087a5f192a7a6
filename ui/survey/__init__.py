"""The satisfaction survey in the sidebar, shown only when it is due."""
