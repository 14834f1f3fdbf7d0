"""Audio in, transcript out: the offline speech-recognition layer (no Flask, no other trainer packages).

``speech_recognition`` imports ``aifc`` and ``audioop``, both deprecated in Python 3.11; the warning is raised
at import time in a third-party module, so it is silenced once here rather than in every caller's test
configuration (``filterwarnings = error``).
"""

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import speech_recognition  # noqa: F401
