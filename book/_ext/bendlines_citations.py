"""The book's references in plain text, for the chapter downloads: "(Author, year)" citations
as the site shows them, and the list of references a notebook ends with."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sphinx.errors import ExtensionError


@dataclass
class Bibliography:
    """The book's references.bib, cited the way the site cites it: (Author, year)."""

    path: Path
    cited: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        from pybtex.database import parse_file

        self.entries = parse_file(str(self.path)).entries

    def _authors(self, key: str) -> str:
        entry = self.entries[key]
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        last = [
            " ".join(p.prelast_names + p.last_names).replace("{", "").replace("}", "")
            for p in people
        ]
        if not last:
            return entry.fields.get("organization", key)
        if len(last) == 1:
            return last[0]
        if len(last) == 2:
            return f"{last[0]} and {last[1]}"
        return f"{last[0]} et al."

    def _year(self, key: str) -> str:
        return self.entries[key].fields.get("year", "n.d.")

    def textual(self, key: str) -> str:
        return f"{self._authors(key)} ({self._year(key)})"

    def parenthetical(self, key: str) -> str:
        return f"{self._authors(key)}, {self._year(key)}"

    def cite(self, keys: list[str], textual: bool, where: str) -> str:
        for key in keys:
            if key not in self.entries:
                raise ExtensionError(f"{where}: no reference {key!r} in {self.path.name}")
            if key not in self.cited:
                self.cited.append(key)
        if textual:
            return "; ".join(self.textual(k) for k in keys)
        return "(" + "; ".join(self.parenthetical(k) for k in keys) + ")"

    def references(self) -> str:
        """A markdown list of every reference cited, sorted by author and year."""
        lines = ["## References", ""]
        for key in sorted(self.cited, key=lambda k: (self._authors(k), self._year(k))):
            fields = self.entries[key].fields
            people = self.entries[key].persons.get("author", [])
            names = [str(p).replace("{", "").replace("}", "") for p in people]
            names = "; ".join(names)
            title = fields.get("title", "").replace("{", "").replace("}", "")
            venue = fields.get("journal") or fields.get("booktitle") or fields.get("publisher")
            item = f"- {names or self._authors(key)} ({self._year(key)}). {title}."
            if venue:
                item += f" *{venue.replace('{', '').replace('}', '')}*."
            if fields.get("doi"):
                item += f" <https://doi.org/{fields['doi']}>"
            elif fields.get("url"):
                item += f" <{fields['url']}>"
            lines.append(item)
        return "\n".join(lines) + "\n"
