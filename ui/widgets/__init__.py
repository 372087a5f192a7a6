"""Widgets more than one page uses: the deck viewer, slide editor, export control, share picker."""
