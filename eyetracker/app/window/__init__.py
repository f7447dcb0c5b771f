"""The main window: its choices, menus, preferences, help, tools and screenshots."""
