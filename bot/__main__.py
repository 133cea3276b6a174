"""``python -m bot`` — the same command line as ``innoprom-bot``."""

from bot.cli import main

if __name__ == "__main__":
    main()
