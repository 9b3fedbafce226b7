"""The Today feature: the window's home page (today's work and the week's schedule)."""
