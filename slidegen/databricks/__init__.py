"""The Databricks workspace: its client (for the user or the app) and the checks that profiles,
the doctor and the data tools share."""
