"""Emails printed to the console the way a person reads them.

Django's console backend prints the message as it would go over the wire:
a text line longer than 78 characters (a link with its key, say) goes out
quoted-printable, broken across lines with "=" at each break and "=3D" for
"=", so it cannot be copied from the terminal. This one prints the headers
people read and the text body decoded, each line whole.
"""

from __future__ import annotations

from django.core.mail.backends.console import EmailBackend

HEADERS = ("Date", "From", "To", "Cc", "Reply-To", "Subject")


class ConsoleBackend(EmailBackend):
    """The default mailer when no SMTP host is set (`./dev run`)."""

    def write_message(self, message):
        msg = message.message()
        lines = [
            f"{name}: {value}" for name in HEADERS for value in msg.get_all(name, [])
        ]
        text = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        lines.append("")
        if text is not None:
            lines.append(text.get_content().rstrip("\n"))
        elif html is not None:
            lines.append("[HTML only]")
            lines.append(html.get_content().rstrip("\n"))
        if text is not None and html is not None:
            lines.append("")
            lines.append("[Also sent as HTML]")
        for part in msg.iter_attachments():
            lines.append(
                f"[Attachment: {part.get_filename() or 'unnamed'}, "
                f"{part.get_content_type()}]"
            )
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
