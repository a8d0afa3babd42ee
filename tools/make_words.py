"""Write src/prodops/core/challenge/words.txt, the game's valid guesses, from SCOWL as Debian ships it
(`apt-get install wamerican-large wbritish-large`): every five-letter word of lower-case letters
a-z in either list (capitalised entries are names; accented ones are not typeable), sorted, once.
The licence is in src/prodops/core/challenge/WORDS-LICENSE.txt."""

import re
from pathlib import Path

LISTS = ("/usr/share/dict/american-english-large", "/usr/share/dict/british-english-large")
OUT = Path(__file__).resolve().parent.parent / "src" / "prodops" / "core" / "challenge" / "words.txt"

words = {w for name in LISTS for w in Path(name).read_text(encoding="utf-8").split() if re.fullmatch(r"[a-z]{5}", w)}
OUT.write_text("".join(f"{w}\n" for w in sorted(words)), encoding="utf-8")
print(f"{len(words)} words written to {OUT}")
