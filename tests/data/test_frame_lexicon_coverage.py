"""Every entry of the frame lexicon (configs/frame_fr.yaml) has checklist cases (issue: "every lexicon
entry and pattern group has checklist cases").

An entry that no checklist line exercises is an entry whose effect nobody measures: this test names it,
so that whoever adds an entry also writes a dev case for it (checklist/dev/stance.jsonl).  The cases must
be in the dev part: the frozen test part is never what an entry is written from.
"""

from __future__ import annotations

import re

from pipeline.core.bundle import load_yaml
from pipeline.core.checklist import load_checklist
from pipeline.core.frame import FrameFeatures
from pipeline.params import load_params


def test_every_frame_lexicon_entry_fires_on_some_dev_checklist_line() -> None:
    frame = FrameFeatures(load_yaml(load_params().train.frame_file)).fit([])
    written = [c.text for c in load_checklist() if c.part == "dev"]
    texts = [t.lower().replace("’", "'") for t in written]
    assert len(texts) > 1000  # the dev part's stance sentences and page lines
    missing = [f"{family}/{group}: {pattern}" for family, group, pattern in frame.lexicon_.entries
               if not any(re.search(pattern, t) for t in texts)]
    missing += [f"{family}/{group}: {pattern}" for family, group, pattern in frame.cased_.entries
                if not any(re.search(pattern, t) for t in written)]  # case-sensitive: the text as written
    assert not missing, "frame lexicon entries with no dev checklist case:\n" + "\n".join(missing)
