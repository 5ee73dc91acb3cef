"""The deliberation pages (thin: look up through visible_to, call an action, respond)."""
