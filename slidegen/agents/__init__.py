"""Slidegen for other agents: an MCP server whose tools are thin calls into the services."""
