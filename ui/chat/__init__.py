"""The Chat page: its actions, views and the state it keeps between reruns."""
