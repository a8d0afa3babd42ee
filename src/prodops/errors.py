"""The one error type for bad input: the CLI prints its message and exits with code 2."""


class InputError(Exception):
    """Input a user can fix. The message names the file, the place in it, the problem and the fix."""
