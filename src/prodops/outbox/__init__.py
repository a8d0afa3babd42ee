"""What goes out of the program: e-mail over SMTP (`mail`) and notifications to an incoming
webhook (`webhook`). Each says what failed as text, never raises for a server that refused, and
never writes a secret (a password, a webhook's address) into what it says."""
