"""The records repositories return that commands also read from what is kept (store.quick):
importable without SQLAlchemy."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class RecordedAssessment:
    id: int
    organization: str
    date: dt.date
    model_id: str
    model_version: str
    level: int
    level_name: str
    progress_to_next: float | None
    respondents: int
    dimensions: dict[str, int]
    unit: str | None = None  # the team or business unit it is scoped to; None: the whole organisation
    erased: tuple[dt.date, ...] = ()  # the days a respondent of it was erased (its figures stand as recorded)
    threshold: int | None = None  # confidential with this reporting threshold; None: named
    scored_by: int | None = None  # respondents who gave a scored answer (None: recorded before it was kept)
    revised: tuple[tuple[dt.date, str], ...] = ()  # (day, reason): its campaign was reopened, then closed again

    def kept(self) -> dict:
        """Its JSON form as kept (operations.quick): days as ISO text, nothing rounded."""
        return {**{k: getattr(self, k) for k in self.__dataclass_fields__}, "date": self.date.isoformat(),
                "erased": [d.isoformat() for d in self.erased],
                "revised": [[d.isoformat(), why] for d, why in self.revised]}

    @classmethod
    def from_kept(cls, d: dict) -> RecordedAssessment:
        day = dt.date.fromisoformat
        return cls(**{**d, "date": day(d["date"]), "erased": tuple(map(day, d["erased"])),
                      "revised": tuple((day(on), why) for on, why in d["revised"])})
