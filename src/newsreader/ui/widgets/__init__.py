"""Widgets of the main screen: article list, reader, entity sidebar."""
