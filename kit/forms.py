"""Credential forms built from a provider's credentials dataclass (ipywidgets).

One row per field: its full name, the input, and where its value comes from (``sandbox``, ``env
<PROVIDER>_SECRET``, ``connect() argument``, ``default``, ``not set``). A typed value that differs
from that source is marked ``✎ changed``, also after the form is built again from a target whose
credentials were typed earlier; **Reset** brings the source values back (on the target too).

Secret fields are ``Password`` widgets that start **empty**: the value the form was prefilled
with stays in the kernel, and the placeholder says where it came from. A secret therefore reaches
the browser only if the user types it, and it is cleared from the widget as soon as the form is
submitted. The form works headless: ``.value`` returns the credentials, ``.submit()`` and
``.reset()`` do what the buttons do, and nothing ever calls ``input()`` or ``getpass()``. Its text
repr is deterministic, so notebooks that show it compare cleanly.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

from kit.arguments import ArgumentError, checked
from kit.credentials import Credentials, env_name
from kit.errors import ConfigError
from kit.secrets import Secret, reveal

__all__ = ["CredentialsForm", "credentials_form"]

TYPED = "✎ changed"


class CredentialsForm:
    """A form for one provider's credentials; ``.widget`` is the box shown in the notebook."""

    @checked
    def __init__(
        self,
        credentials_type: type[Credentials],
        initial: Credentials | None = None,
        *,
        source: str = "",
        target: Any = None,
        origin: Credentials | None = None,
        sources: Mapping[str, str] | None = None,
    ) -> None:
        """``initial``: the values to start from; ``origin`` and ``sources``: the values a reset brings
        back and where each came from (default: ``initial``, and ``source`` for every field)."""
        self.credentials_type = credentials_type
        self.target = target
        self.source = source
        names = [f.name for f in credentials_type.fields()]
        self._current: dict[str, Any] = {n: getattr(initial, n) if initial else None for n in names}
        base = origin if origin is not None else initial
        self._origin: dict[str, Any] = {n: getattr(base, n) if base else None for n in names}
        given = dict(sources or {})
        self._sources = {n: given.get(n) or (source if self._origin[n] is not None else "not set") for n in names}
        self.credentials: Credentials | None = None
        self.fields: dict[str, widgets.Text | widgets.Password] = {}
        self.marks: dict[str, widgets.HTML] = {}
        cells: list[widgets.Widget] = []
        for field in credentials_type.fields():
            name = field.name
            label = widgets.Label(value=name + (" *" if credentials_type.is_required(field) else ""))
            box: widgets.Text | widgets.Password
            if credentials_type.is_secret(field):
                box = widgets.Password(layout=widgets.Layout(width="auto"))
            else:
                box = widgets.Text(layout=widgets.Layout(width="auto"))
            self.fields[name] = box
            self.marks[name] = widgets.HTML()
            box.observe(lambda _, n=name: self._remark(n), names="value")
            cells += [label, box, self.marks[name]]
        self._fill()
        self.button = widgets.Button(
            description="Use these credentials", button_style="primary", layout=widgets.Layout(width="auto")
        )
        self.reset_button = widgets.Button(
            description="Reset to " + (source or "the source values"), layout=widgets.Layout(width="auto")
        )
        # an HTML widget, not a Label: a Label stays on one line and cuts a long status at the right edge
        self.status = widgets.HTML(value="", layout=widgets.Layout(width="auto"))
        self.button.on_click(lambda _: self._click())
        self.reset_button.on_click(lambda _: self.reset())
        grid = widgets.GridBox(
            cells,
            layout=widgets.Layout(
                grid_template_columns="max-content minmax(14em, 28em) max-content", grid_gap="4px 12px"
            ),
        )
        self.widget = widgets.VBox([grid, widgets.HBox([self.button, self.reset_button]), self.status])

    # -- what the widgets show ------------------------------------------------------------------

    def _fill(self) -> None:
        """Put the current values in the widgets: text as is, secrets empty with a placeholder."""
        for name, box in self.fields.items():
            current = self._current[name]
            if isinstance(box, widgets.Password):
                box.value = ""
                box.placeholder = self._secret_hint(name)
            else:
                box.value = "" if current is None else str(current)
                box.placeholder = env_name(self.credentials_type.PROVIDER, name)
            self._remark(name)

    def _secret_hint(self, name: str) -> str:
        current = self._current[name]
        if not current:
            return env_name(self.credentials_type.PROVIDER, name)
        if current == self._origin[name]:
            return f"•••• from {self._describe(name)}"
        fingerprint = current.fingerprint if isinstance(current, Secret) else ""
        return f"•••• set ({fingerprint})" if fingerprint else "•••• set"

    def _describe(self, name: str) -> str:
        source = self._sources[name]
        if source == "sandbox":
            return "the sandbox"
        if source == "not set":
            return f"not set ({env_name(self.credentials_type.PROVIDER, name)})"
        return source

    def _effective(self, name: str) -> Any:
        box = self.fields[name]
        if isinstance(box, widgets.Password):
            return box.value or self._current[name]
        return box.value or None

    def _typed(self, name: str) -> bool:
        """Whether the field's value (as typed now, or submitted earlier) differs from its source's."""
        return _plain(self._effective(name)) != _plain(self._origin[name])

    def _remark(self, name: str) -> None:
        """Show where the field's value comes from, and ``✎ changed`` when it differs from that source."""
        if not self._typed(name):
            text = self._describe(name)
        elif self._origin[name] is None:
            text = f"{TYPED} (no value from {self.source or 'a source'})"
        else:
            text = f"{TYPED} from {self._describe(name)}"
        # the text names a source (an env file's name): escaped, as everything kit did not write itself
        self.marks[name].value = f"<span title='where this value comes from'>{html.escape(text)}</span>"

    # -- what the buttons do --------------------------------------------------------------------

    @property
    def value(self) -> Credentials:
        """The credentials as entered; an empty secret field keeps the current (prefilled or submitted) value.

        :raises ConfigError: a required field is empty (the message names fields, never values).
        """
        data = {name: self._effective(name) for name in self.fields}
        return self.credentials_type.from_mapping(data, source="the form")

    def submit(self) -> Credentials:
        """Validate, store the credentials (also on the target), clear secret widgets; return them."""
        credentials = self.value
        self.credentials = credentials
        typed = [n for n in self.fields if self._typed(n)]
        if self.target is not None:
            self.target.credentials = credentials
            self.target.typed.record({n: getattr(credentials, n) for n in typed})  # a refusal's hint names these
        self._current = {name: getattr(credentials, name) for name in self.fields}
        self._fill()
        filled = [n for n in self.fields if reveal(getattr(credentials, n)) not in (None, "")]
        changed = f" ({TYPED}: {', '.join(typed)})" if typed else ""
        self._say(f"✓ {self.credentials_type.PROVIDER} credentials set: {', '.join(filled)}{changed}")
        return credentials

    def reset(self) -> Credentials | None:
        """Bring back the source values (on the target too) and clear what was typed; return them."""
        self._current = dict(self._origin)
        self._fill()
        self.credentials = None
        try:
            restored: Credentials | None = self.credentials_type.from_mapping(self._origin, source=self.source)
        except ConfigError:  # the source lacks a required field: nothing to bring back on the target
            restored = None
        if self.target is not None and restored is not None:
            self.target.credentials = restored
            self.target.typed.record({})
        where = self.source or "their source"
        self._say(f"↺ {self.credentials_type.PROVIDER} credentials back to the values from {where}")
        return restored

    def _click(self) -> None:
        try:
            self.submit()
        except ConfigError as exc:
            self._say(f"✗ {exc}")

    def _say(self, text: str) -> None:
        """Show ``text`` under the buttons, wrapped (escaped: it may quote a field name or a source)."""
        self.status.value = html.escape(text)

    def show(self) -> widgets.VBox:
        return self.widget

    def __repr__(self) -> str:
        names = ", ".join(
            f"{f.name}{'*' if self.credentials_type.is_required(f) else ''}"
            f"{' (secret)' if self.credentials_type.is_secret(f) else ''}"
            for f in self.credentials_type.fields()
        )
        origin = f" from {self.source}" if self.source else ""
        typed = [n for n in self.fields if self._typed(n)]
        changed = f"; {TYPED}: {', '.join(typed)}" if typed else ""
        return f"CredentialsForm({self.credentials_type.PROVIDER}{origin}: {names}{changed})"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


def _plain(value: Any) -> str:
    return "" if value is None else str(reveal(value))


@checked
def credentials_form(target: Any) -> CredentialsForm:
    """A form for ``target`` (from :func:`kit.connect`) prefilled with its current credentials.

    Each field says where its value came from; values typed earlier are marked. Submitting replaces
    ``target.credentials``, so ``target.session()`` uses what was entered; Reset brings back the
    credentials :func:`kit.connect` made.
    """
    if not all(hasattr(target, name) for name in ("mode", "credentials", "provider")):
        raise ArgumentError(
            f"credentials_form: target must be a kit Target (from kit.connect), not {type(target).__name__}"
        )
    source = "the sandbox" if target.mode == "sandbox" else "env vars"
    return CredentialsForm(
        type(target.credentials),
        target.credentials,
        source=source,
        target=target,
        origin=target.initial,
        sources=target.sources,
    )
