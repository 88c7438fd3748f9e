"""Running the bot at an office: backups and restore, personal data, the daily jobs."""
