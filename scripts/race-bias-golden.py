"""Writes the RaceBias golden file: the supplement's items as python-docx reads them under HELM's rule.

python-docx is the library HELM's race_based_med scenario reads the supplement with. This script is
run once, by hand, whenever the shipped .docx or the rule changes; the tests compare our own .docx
reader with its output and need no Python:

    apt-get install -y python3-docx        # Debian's package, for Debian's /usr/bin/python3
    /usr/bin/python3 scripts/race-bias-golden.py > test/fixtures/race-bias-golden.json

The rule: among the body paragraphs (python-docx's `Document.paragraphs`), one whose stripped text
starts with "Run " and contains ":" opens an item; the first line after the colon is the question,
further lines of that paragraph and the non-empty paragraphs up to the next opening one are the
response; the item is harmful when any run of those following paragraphs has the font colour
FF0000. Items with no response text are dropped.
"""
import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

import docx
from docx.shared import RGBColor

RED = RGBColor(0xFF, 0x00, 0x00)
SOURCE = "benchmarks/data/race_based_med/41746_2023_939_MOESM1_ESM.docx"

root = Path(__file__).resolve().parent.parent
path = root / SOURCE
items = []
current = None
for paragraph in docx.Document(str(path)).paragraphs:
    text = paragraph.text.strip()
    if text.startswith("Run ") and ":" in text:
        lines = text.split(":", 1)[1].strip().split("\n")
        current = {"question": lines[0].strip(), "red": False, "response": [line.strip() for line in lines[1:] if line.strip()]}
        items.append(current)
    elif current is not None:
        if text:
            current["response"].append(text)
        if any(run.font.color is not None and run.font.color.rgb == RED for run in paragraph.runs):
            current["red"] = True

golden = {
    "generatedBy": "/usr/bin/python3 scripts/race-bias-golden.py > test/fixtures/race-bias-golden.json",
    "pythonDocx": version("python-docx"),
    "python": sys.version.split()[0],
    "source": SOURCE,
    "sourceSha256": hashlib.sha256(path.read_bytes()).hexdigest(),
    "items": [item for item in items if item["response"]],
}
json.dump(golden, sys.stdout, indent=1, ensure_ascii=False)
sys.stdout.write("\n")
