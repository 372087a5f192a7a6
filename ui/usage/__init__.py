"""The Usage page (admins): filters, charts, tables with CSV downloads, prices, feedback."""
