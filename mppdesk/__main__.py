"""``python -m mppdesk``: the same command line as the ``mppdesk`` console script."""

from mppdesk.cli import main

if __name__ == "__main__":
    main()
