"""Credential forms built from a provider's credentials dataclass (ipywidgets).

Secret fields are ``Password`` widgets that start **empty**: the value the form was prefilled
with (from env vars or the sandbox) stays in the kernel, and the placeholder says where it came
from. A secret therefore reaches the browser only if the user types it, and it is cleared
from the widget as soon as the form is submitted. The form works headless: ``.value`` returns
the credentials, ``.submit()`` does what the button does, and nothing ever calls ``input()`` or
``getpass()``. Its text repr is deterministic, so notebooks that show it compare cleanly.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

from kit.credentials import Credentials, env_name
from kit.errors import ConfigError
from kit.secrets import Secret, reveal

__all__ = ["CredentialsForm", "credentials_form"]


class CredentialsForm:
    """A form for one provider's credentials; ``.widget`` is the VBox shown in the notebook."""

    def __init__(
        self,
        credentials_type: type[Credentials],
        initial: Credentials | None = None,
        *,
        source: str = "",
        target: Any = None,
    ) -> None:
        self.credentials_type = credentials_type
        self.target = target
        self.source = source
        self._initial: dict[str, Any] = {}
        if initial is not None:
            self._initial = {f.name: getattr(initial, f.name) for f in credentials_type.fields()}
        self.credentials: Credentials | None = None
        self.fields: dict[str, widgets.Text | widgets.Password] = {}
        for field in credentials_type.fields():
            label = field.name + (" *" if credentials_type.is_required(field) else "")
            current = self._initial.get(field.name)
            if credentials_type.is_secret(field):
                hint = f"•••• from {source}" if current else env_name(credentials_type.PROVIDER, field.name)
                box: widgets.Text | widgets.Password = widgets.Password(description=label, placeholder=hint)
            else:
                box = widgets.Text(
                    value="" if current is None else str(current),
                    description=label,
                    placeholder=env_name(credentials_type.PROVIDER, field.name),
                )
            self.fields[field.name] = box
        self.button = widgets.Button(
            description="Use these credentials", button_style="primary", layout=widgets.Layout(width="auto")
        )
        self.status = widgets.Label(value="")
        self.button.on_click(lambda _: self._click())
        self.widget = widgets.VBox([*self.fields.values(), self.button, self.status])

    @property
    def value(self) -> Credentials:
        """The credentials as entered; an empty secret field keeps the prefilled or submitted value.

        :raises ConfigError: a required field is empty (the message names fields, never values).
        """
        data: dict[str, Any] = {}
        for name, box in self.fields.items():
            typed = box.value
            if isinstance(box, widgets.Password) and not typed:
                kept = getattr(self.credentials, name, None) if self.credentials else None
                data[name] = kept if kept is not None else self._initial.get(name)
            else:
                data[name] = typed
        return self.credentials_type.from_mapping(data, source="the form")

    def submit(self) -> Credentials:
        """Validate, store the credentials (also on the target), clear secret widgets; return them."""
        credentials = self.value
        self.credentials = credentials
        if self.target is not None:
            self.target.credentials = credentials
        for name, box in self.fields.items():
            if isinstance(box, widgets.Password):
                box.value = ""
                secret = getattr(credentials, name)
                box.placeholder = f"•••• set ({secret.fingerprint})" if isinstance(secret, Secret) else box.placeholder
        filled = [n for n in self.fields if reveal(getattr(credentials, n)) not in (None, "")]
        self.status.value = f"✓ {self.credentials_type.PROVIDER} credentials set: {', '.join(filled)}"
        return credentials

    def _click(self) -> None:
        try:
            self.submit()
        except ConfigError as exc:
            self.status.value = f"✗ {exc}"

    def show(self) -> widgets.VBox:
        return self.widget

    def __repr__(self) -> str:
        names = ", ".join(
            f"{f.name}{'*' if self.credentials_type.is_required(f) else ''}"
            f"{' (secret)' if self.credentials_type.is_secret(f) else ''}"
            for f in self.credentials_type.fields()
        )
        origin = f" from {self.source}" if self.source else ""
        return f"CredentialsForm({self.credentials_type.PROVIDER}{origin}: {names})"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        return bundle


def credentials_form(target: Any) -> CredentialsForm:
    """A form for ``target`` (from :func:`kit.connect`) prefilled with its credentials.

    Submitting it replaces ``target.credentials``, so ``target.session()`` uses what was entered.
    """
    source = "the sandbox" if target.mode == "sandbox" else "env vars"
    return CredentialsForm(type(target.credentials), target.credentials, source=source, target=target)
