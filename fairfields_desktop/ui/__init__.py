"""The desktop window: views show Qt models and call services; they never run SQL or decide rules."""
