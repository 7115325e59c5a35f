"""The pkginspect command line: the only place that prints, writes files and chooses exit codes.

Exit codes: 0 done; 1 a ``--fail-on`` condition was met; 2 usage error; 3 bad input (corrupt or
unsupported package, bad facts, rules or calendar file) or an output that cannot be written (full or
read-only disk, missing folder, closed pipe); 4 internal error (a bug: please report it).

Everything printed goes through ``terminal_safe``: C0/C1 controls and bidi characters read from packages or
user files never reach the terminal raw.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, NoReturn, TextIO, TypeVar

import click

from pkginspect.errors import OutputError, PkgInspectError, terminal_safe
from pkginspect.reports.formats import choices, format_of

EXIT_OK, EXIT_FAIL_ON, EXIT_USAGE, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3, 4
F = TypeVar("F", bound=Callable[..., Any])
_SIZE = re.compile(r"^\s*([0-9]{1,15}(?:\.[0-9]{1,6})?)\s*([KMGT]?)(i?B)?\s*$", re.IGNORECASE | re.ASCII)
_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


class ByteSize(click.ParamType):
    """A byte count with an optional K/M/G/T suffix (binary units): ``512M``, ``4G``, ``100000``."""

    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.match(str(value))
        if not match:
            self.fail(f"{value!r} is not a size (examples: 100000, 512M, 4G)", param, ctx)
        return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


def limit_options(function: F) -> F:
    """Options that override the reading limits (``pkginspect.containers.Limits``)."""
    options = [
        click.option("--max-member-size", type=ByteSize(), help="Largest member to read [default: 16G]."),
        click.option("--max-total-size", type=ByteSize(), help="Most bytes inflated in total [default: 64G]."),
        click.option("--max-ratio", type=click.FloatRange(min=1), help="Highest expansion ratio [default: 200]."),
        click.option("--max-depth", type=click.IntRange(min=1), help="Deepest container nesting [default: 8]."),
        click.option("--max-members", type=click.IntRange(min=1), help="Most members per container."),
        click.option("--verify-checksums", is_flag=True, default=None, help="Verify cabinet block checksums."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _limits(options: dict[str, Any]) -> Any:
    from pkginspect.containers import Limits

    names = ("max_member_size", "max_total_size", "max_ratio", "max_depth", "max_members", "verify_checksums")
    return Limits().with_overrides(**{name: options.pop(name, None) for name in names})


def _format_option(command: str, help: str = "Output format.", required: bool = False) -> Callable[[F], F]:
    """``--format``, its choices and default (the first) from the command's formats in ``reports.formats``."""
    names = choices(command)
    return click.option("--format", "output_format", type=click.Choice(names), required=required,
                        default=None if required else names[0], show_default=not required, help=help)


def _render(command: str, output_format: str, *subject: Any, **options: Any) -> str:
    return format_of(command, output_format).render(*subject, **options)


def _emit(text: str | Iterable[str], output: str | None = None) -> None:
    """Write the output to the file ``output`` (atomically), or else to standard output."""
    if output:
        _write_atomically(output, text)
        return
    for chunk in [text] if isinstance(text, str) else text:
        click.echo(chunk, nl=False)


def _reported(problems: Iterable[Any]) -> bool:
    """Print each failure (a ``PackageFailure``) on standard error; whether there was any."""
    messages = [problem.error for problem in problems]
    for message in messages:
        click.echo(f"pkginspect: error: {message}", err=True)
    return bool(messages)


# OSErrors that say something about the machine (disk, permissions, pipes), not about pkginspect.
_ENVIRONMENT_ERRNOS = {
    errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT, errno.ENOTDIR,
    errno.EISDIR, errno.EPIPE, errno.EIO, errno.EMFILE, errno.ENFILE, errno.ENAMETOOLONG, errno.ELOOP,
    errno.ENXIO, errno.EFBIG, errno.ENOMEM, errno.EAGAIN, errno.ETXTBSY, errno.EBUSY,
}


class _SafeStream:
    """``sys.stdout``/``sys.stderr`` while a command runs, escaped with ``terminal_safe``.

    A failed write (``/dev/full``, a closed pipe) becomes an OutputError naming the stream.
    """

    def __init__(self, stream: TextIO, name: str) -> None:
        self._stream = stream
        self._name = name

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # what a text stream does (click probes streams with write(b""))
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if not text:  # and with write(""): nothing to write, nothing to fail
            return 0
        try:
            return self._stream.write(terminal_safe(text))
        except OSError as failure:
            raise self._failed(failure) from failure

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as failure:
            raise self._failed(failure) from failure

    def _failed(self, failure: OSError) -> OutputError:
        # Point the descriptor at /dev/null so the interpreter's own flush at exit does not fail a second time.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # not a real descriptor (a test runner's buffer)
            pass
        return OutputError(self._name, f"cannot write: {failure.strerror or failure}")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _safe_standard_streams() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout = _SafeStream(saved[0], "standard output")
    sys.stderr = _SafeStream(saved[1], "standard error")
    try:
        yield
        sys.stdout.flush()
    finally:
        sys.stdout, sys.stderr = saved


def _environment_error(error: OSError) -> OutputError | None:
    """An OSError about the machine as a one-line OutputError; None for anything else (a bug)."""
    if error.errno not in _ENVIRONMENT_ERRNOS:
        return None
    where = os.fsdecode(error.filename) if error.filename is not None else "output"
    return OutputError(where, error.strerror or str(error))


def _debug_asked(ctx: click.Context) -> bool:
    """Whether ``--debug`` was given, before or after the command name (read when a command fails)."""
    return bool(ctx.params.get("debug"))


class _Group(click.Group):
    """Turns pkginspect errors into one line and exit code 3; ``--debug`` adds the traceback, same exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _safe_standard_streams():
                return super().invoke(ctx)
        except PkgInspectError as error:
            self._failure(error, EXIT_BAD_INPUT, _debug_asked(ctx))
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except OSError as error:
            environment = _environment_error(error)
            if environment is None:
                self._failure(error, EXIT_INTERNAL, _debug_asked(ctx))
            self._failure(environment, EXIT_BAD_INPUT, _debug_asked(ctx))
        except Exception as error:  # a bug: say so in one line
            self._failure(error, EXIT_INTERNAL, _debug_asked(ctx))

    @staticmethod
    def _failure(error: BaseException, code: int, debug: bool) -> NoReturn:
        if debug:
            traceback.print_exception(error, file=sys.stderr)
        if code == EXIT_INTERNAL:
            line = (f"pkginspect: internal error: {type(error).__name__}: {error} "
                    "(a bug; rerun with --debug for the traceback and please report it)")
        else:
            line = f"pkginspect: error: {error}"
        with suppress(OSError):  # standard error itself is gone: the exit code still tells
            click.echo(terminal_safe(line), err=True)
        sys.exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(package_name="pkginspect")
def main(debug: bool) -> None:
    """Predict, offline and per machine, whether a Windows update package will reboot — and why."""


@main.command("ls")
@click.argument("package", type=click.Path(dir_okay=True, path_type=str))
@click.option("--no-recursive", is_flag=True, help="Do not descend into nested cabinets and WIMs.")
@_format_option("ls")
@limit_options
def ls_command(package: str, no_recursive: bool, output_format: str, **options: Any) -> None:
    """List a package's members, descending into nested containers.

    Nested paths join container levels with '!': WSUSSCAN.cab!package.cab!package.xml.
    """
    from pkginspect.containers import open_package

    with open_package(package, _limits(options)) as opened:
        entries = list(opened.walk(recursive=not no_recursive))
        _emit(_render("ls", output_format, package, opened.kind, opened.size, entries))


@main.command("extract")
@click.argument("package", type=click.Path(dir_okay=True, path_type=str))
@click.argument("members", nargs=-1)
@click.option("-d", "--directory", required=True, type=click.Path(file_okay=False, path_type=str),
              help="Directory to extract into (created if missing).")
@click.option("-r", "--recursive", is_flag=True, help="Also expand nested containers into NAME.d/ folders.")
@click.option("--overwrite", is_flag=True, help="Replace files that already exist in the directory.")
@_format_option("extract")
@limit_options
def extract_command(
    package: str, members: tuple[str, ...], directory: str, recursive: bool, overwrite: bool,
    output_format: str, **options: Any,
) -> None:
    """Extract members safely: nothing is written outside DIRECTORY, nothing overwritten unless asked.

    MEMBERS are nested paths ('inner.cab!update.mum'); without them every top-level member is extracted.
    """
    from pkginspect.containers import extract, open_package

    with open_package(package, _limits(options)) as opened:
        results = extract(opened, directory, members, recursive=recursive, overwrite=overwrite)
    _emit(_render("extract", output_format, os.fspath(directory), results))


@main.command("inspect")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=str))
@_format_option("inspect")
@click.option("--members", is_flag=True, help="Include the member tree.")
@click.option("--components", is_flag=True, help="Read component manifests too (slow on real cumulative updates).")
@click.option("--no-hash", is_flag=True, help="Skip the sha256 of each package file.")
@click.option("--deep", is_flag=True,
              help="Also read the metadata behind the payload that no fact needs (sub-package .mum files…).")
@limit_options
def inspect_command(
    packages: tuple[str, ...], output_format: str, members: bool, components: bool, no_hash: bool, deep: bool,
    **options: Any
) -> None:
    """Show what is inside update packages: KB, title, restart, build, sub-packages, each fact's source.

    A directory stands for the cabinet and WIM files directly in it (subdirectories are not entered). A
    package that cannot be read, or whose metadata cannot be, is reported with its error while the others
    still print; the exit code is then 3.
    """
    from pkginspect.package.many import inspect_paths, metadata_problems

    results, failures = inspect_paths(packages, jobs=1, limits=_limits(options), problems=False,
                                      components=components, sha256=not no_hash, deep=deep)
    # Errors go to standard error; only the JSON document also carries them (as data).
    _emit(_render("inspect", output_format, results, errors=failures, members=members, components=components))
    if _reported([*failures, *metadata_problems(results)]):
        sys.exit(EXIT_BAD_INPUT)


def _calendar_option(function: F) -> F:
    return click.option(
        "--calendar", "calendar_files", multiple=True, type=click.Path(dir_okay=False, path_type=str),
        help="A calendar file (CSV or JSON) merged over the bundled one; repeatable.",
    )(function)


def _load_calendar(files: tuple[str, ...]) -> Any:
    from pkginspect.calendar import load_calendar

    return load_calendar(files)


@main.command("classify")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=str))
@_calendar_option
@_format_option("classify")
@click.option("--no-evidence", is_flag=True, help="Text output: show only the verdict lines.")
@limit_options
def classify_command(
    packages: tuple[str, ...], calendar_files: tuple[str, ...], output_format: str, no_evidence: bool,
    **options: Any,
) -> None:
    """Sort packages into hotpatch, planned/unplanned baseline, LCU, checkpoint, SSU, .NET, other — with evidence.

    Packages given together are classified together (a hotpatch beside a cumulative update of the same month
    marks that update as the regular channel).
    """
    from pkginspect.classification import classify_batch
    from pkginspect.package.many import inspect_paths, metadata_problems

    calendar = _load_calendar(calendar_files)
    results, failures = inspect_paths(packages, jobs=1, limits=_limits(options), problems=False, sha256=False)
    classified = classify_batch(results, calendar)
    _emit(_render("classify", output_format, classified, errors=failures, evidence=not no_evidence))
    if _reported([*failures, *metadata_problems(results)]):
        sys.exit(EXIT_BAD_INPUT)


@main.group("calendar", invoke_without_command=True)
@click.option("--product", help="Only this calendar product (e.g. windows-server-2022-azure-edition).")
@_calendar_option
@_format_option("calendar")
@click.pass_context
def calendar_command(
    ctx: click.Context, product: str | None, calendar_files: tuple[str, ...], output_format: str,
) -> None:
    """Show the hotpatch release calendar as pkginspect knows it: a month grid per product.

    The bundled data, then the user calendar directory ($PKGINSPECT_CALENDAR_DIR, else
    $XDG_DATA_HOME/pkginspect/calendar.d), then --calendar files. Subcommands convert and import write calendar
    files.
    """
    if ctx.invoked_subcommand is not None:
        return
    calendar = _load_calendar(calendar_files)
    try:
        text = _render("calendar", output_format, calendar, product=product)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--product") from error
    _emit(text)


def _write_calendar(command: str, entries: Any, output: str | None, output_format: str,
                    comments: tuple[str, ...]) -> None:
    from pkginspect.calendar.write import HEADER_COMMENT

    entries = list(entries)
    _emit(_render(command, output_format, entries, comments=HEADER_COMMENT + comments), output)
    if output:
        click.echo(f"pkginspect: wrote {len(entries)} releases to {output}", err=True)


_CALENDAR_OUTPUT = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=str),
    help="Write the calendar file here (atomically) instead of standard output; put it in the user calendar "
         "directory to have every later run use it.",
)


@calendar_command.command("convert")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@_CALENDAR_OUTPUT
@_format_option("calendar convert")
def calendar_convert_command(files: tuple[str, ...], output: str | None, output_format: str) -> None:
    """Rewrite calendar files of either layout as one calendar file with one release per row.

    The legacy layout (one product-month per row, out-of-band releases in the note) and the current one are
    read; later files win where they overlap.
    """
    from pkginspect.calendar import load_calendar

    calendar = load_calendar(files, bundled=False, user_dir=False)
    _write_calendar("calendar convert", calendar, output, output_format,
                    tuple(f"# converted from {name}" for name in files))


@calendar_command.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@_CALENDAR_OUTPUT
@_format_option("calendar import")
def calendar_import_command(files: tuple[str, ...], output: str | None, output_format: str) -> None:
    """Write a calendar file from Microsoft's machine-readable release data.

    Reads saved Microsoft Graph Windows Updates catalog entries, Intune windowsQualityUpdateCatalogItems, and
    the JSON of the WindowsOSBuild (Get-LatestOSBuild) and WindowsReleaseInformation (Get-WinHotpatchCalendar)
    PowerShell modules, recognised by shape. Write the result into the user calendar directory to have every
    later run use it.
    """
    from pkginspect.calendar.imports import describe, import_files

    entries = import_files(files)
    _write_calendar("calendar import", entries, output, output_format,
                    tuple(f"# imported from {name}" for name in files))
    click.echo(f"pkginspect: imported {describe(entries)}", err=True)


def _rules_option(function: F) -> F:
    return click.option(
        "--rules", "rules_files", multiple=True, type=click.Path(dir_okay=False, path_type=str),
        help="A rules file (TOML) that adds, replaces or disables rules by id; repeatable.",
    )(function)


def _fail_on_option(function: F) -> F:
    function = click.option(
        "--strict", is_flag=True, help="Exit 1 when any verdict is unknown (missing facts, unclassified package)."
    )(function)
    return click.option(
        "--fail-on", type=click.Choice(["reboot", "any-reboot"]),
        help="Exit 1 when a verdict is reboot-required ('reboot') or also reboot-possible ('any-reboot').",
    )(function)


def _load_ruleset(files: tuple[str, ...]) -> Any:
    from pkginspect.rules.engine import load_ruleset

    return load_ruleset(files)


def _load_fleet(files: tuple[str, ...]) -> list[Any]:
    """The machines of every file; what a file left out (Linux machines of an export, later pages) is a warning."""
    from pkginspect.rules import read_fleet

    machines: list[Any] = []
    for path in files:
        fleet = read_fleet(path)
        for warning in fleet.warnings():
            click.echo(f"pkginspect: warning: {warning}", err=True)
        machines.extend(fleet.machines)
    return machines


def _refuse_facts_files(paths: tuple[str, ...], option: str) -> None:
    """A facts file where a package goes is a usage error: most likely a second file after one ``option``."""
    from pkginspect.containers.base import looks_like_text, sniff

    for path in paths:
        if not os.path.isfile(path):  # folders are walked; FIFOs and devices are not opened here
            continue
        try:
            with open(path, "rb") as stream:
                head = stream.read(256)
        except OSError:
            continue  # reading it as a package reports why
        text = looks_like_text(head) if sniff(head) is None else None
        suffix = os.path.splitext(path)[1].casefold()
        if text == "JSON" or (text and suffix in (".csv", ".toml", ".json")):
            shown = "JSON" if text == "JSON" else suffix[1:].upper()
            raise click.UsageError(f"{path} is not a package (it looks like {shown}: did you mean {option} {path}?)")


def _final_exit(verdicts: Iterable[str], failed: bool, fail_on: str | None, strict: bool) -> None:
    """Exit 3 when something could not be read, else 1 when a verdict found meets ``--fail-on`` or ``--strict``."""
    if failed:
        sys.exit(EXIT_BAD_INPUT)
    failing = {"reboot": {"reboot-required"}, "any-reboot": {"reboot-required", "reboot-possible"}}.get(
        fail_on or "", set()
    )
    if strict:
        failing = failing | {"unknown"}
    if failing & set(verdicts):
        sys.exit(EXIT_FAIL_ON)


@main.command("check")
@click.argument("packages", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--machine", "machine_files", multiple=True, required=True,
              type=click.Path(dir_okay=False, path_type=str),
              help="Machine facts (JSON/TOML), a fleet (JSON/CSV) or an az/Arc export; repeatable.")
@_calendar_option
@_rules_option
@click.option("--explain", is_flag=True, help="Show each decision's reasons: rule, message and the facts used.")
@_format_option("check")
@_fail_on_option
@limit_options
def check_command(
    packages: tuple[str, ...], machine_files: tuple[str, ...], calendar_files: tuple[str, ...],
    rules_files: tuple[str, ...], explain: bool, output_format: str, fail_on: str | None, strict: bool,
    **options: Any,
) -> None:
    """Will installing each package restart each machine? A verdict per machine × package, and why.

    Verdicts: no-reboot, reboot-required, reboot-possible, not-applicable, unknown (the missing facts are named).
    """
    from pkginspect.batch import check

    _refuse_facts_files(packages, "--machine")
    calendar = _load_calendar(calendar_files)
    ruleset = _load_ruleset(rules_files)
    machines = _load_fleet(machine_files)
    result = check(packages, machines, calendar=calendar, ruleset=ruleset, limits=_limits(options))
    _emit(format_of("check", output_format).chunks(result.decisions, errors=result.errors, warnings=result.warnings,
                                                   explain=explain))
    verdicts = [verdict for verdict, count in result.decisions.verdict_counts().items() if count]
    _final_exit(verdicts, _reported([*result.errors, *result.problems]), fail_on, strict)


MAX_SOURCE_DATE_EPOCH = 253402300799


def _generation_time() -> Any:
    """``SOURCE_DATE_EPOCH`` when set (reproducible reports), else now."""
    import datetime as dt

    from pkginspect.numbers import parse_decimal

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return None
    seconds = parse_decimal(epoch, max_digits=12)
    if seconds is None or seconds > MAX_SOURCE_DATE_EPOCH:
        shown = epoch if len(epoch) <= 40 else epoch[:40] + "…"
        raise click.BadParameter(
            f"SOURCE_DATE_EPOCH must be whole seconds from 0 to {MAX_SOURCE_DATE_EPOCH} (9999-12-31), not {shown!r}"
        )
    return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)


PARTIAL_SUFFIX = ".pkginspect-partial"
"""Suffix of the temporary file a report is written to before it replaces the target (visible, not hidden,
so a file left by ``kill -9`` is recognisable; any other signal removes it)."""


class _Signalled(BaseException):
    def __init__(self, number: int) -> None:
        self.number = number
        super().__init__(number)


@contextmanager
def _signals_raise() -> Iterator[None]:
    """While writing, SIGTERM and SIGHUP raise (so the temporary file is removed), then the process dies of them."""
    def handler(number: int, _frame: object) -> None:
        raise _Signalled(number)

    try:
        previous = {number: signal.signal(number, handler) for number in (signal.SIGTERM, signal.SIGHUP)}
    except ValueError:  # not the main thread: nothing to install
        yield
        return
    try:
        yield
    except _Signalled as caught:
        for number, old in previous.items():
            signal.signal(number, old)
        signal.signal(caught.number, signal.SIG_DFL)
        os.kill(os.getpid(), caught.number)
        raise SystemExit(128 + caught.number) from None
    finally:
        for number, old in previous.items():
            signal.signal(number, old)


def _write_atomically(path: str, text: str | Iterable[str]) -> None:
    """Write the report ``text`` (or its pieces, as they come) to ``path`` (``-o``).

    A regular file (or a new one) is replaced atomically through ``<name>.<random>.pkginspect-partial`` in the
    same folder, so no half report is ever seen; a symbolic link is followed and its target replaced, the
    link kept. Anything else that exists — a device such as ``/dev/null``, a FIFO, a terminal, or a link
    to one — is written straight into, exactly as shell redirection would, never replaced; a FIFO that no
    process reads is an error rather than a hang. Failures are OutputErrors naming ``path``.
    """
    data = (chunk.encode("utf-8") for chunk in ([text] if isinstance(text, str) else text))
    try:
        info: os.stat_result | None = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as failure:
        raise OutputError(path, f"cannot write the report: {failure.strerror or failure}") from failure
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(path, "cannot write the report: is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(path, data)
        return
    target = os.path.realpath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise OutputError(path, f"cannot write the report: folder {folder} does not exist")
    _replace(path, target, data, None if info is None else stat.S_IMODE(info.st_mode))


def _write_through(path: str, data: Iterable[bytes]) -> None:
    """Write into an existing device, FIFO or terminal without creating, truncating or replacing it."""
    try:
        # O_NONBLOCK: opening a FIFO nobody reads fails (ENXIO) instead of waiting forever.
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as failure:
        reason = "no process is reading it" if failure.errno == errno.ENXIO else failure.strerror or str(failure)
        raise OutputError(path, f"cannot write the report: {reason}") from failure
    try:
        os.set_blocking(fd, True)
        for chunk in data:
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
    except OSError as failure:
        raise OutputError(path, f"cannot write the report: {failure.strerror or failure}") from failure
    finally:
        os.close(fd)


def _replace(path: str, target: str, data: Iterable[bytes], mode: int | None) -> None:
    import tempfile

    with _signals_raise():
        try:
            handle, temporary = tempfile.mkstemp(prefix=os.path.basename(target) + ".", suffix=PARTIAL_SUFFIX,
                                                 dir=os.path.dirname(target))
        except OSError as failure:
            raise OutputError(path, f"cannot write the report: {failure.strerror or failure}") from failure
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in data:
                    out.write(chunk)
            if mode is None:
                umask = os.umask(0)
                os.umask(umask)
                mode = 0o666 & ~umask  # mkstemp creates 0600; a new report is an ordinary file
            os.chmod(temporary, mode)
            os.replace(temporary, target)
        except BaseException as failure:
            os.unlink(temporary)
            if isinstance(failure, OSError):
                raise OutputError(path, f"cannot write the report: {failure.strerror or failure}") from failure
            raise


_FLEET = click.option(
    "--fleet", "fleet_files", multiple=True, required=True, type=click.Path(dir_okay=False, path_type=str),
    help="The machines: a fleet file (JSON/CSV), facts files or az/Arc exports; repeatable.")
_REPORT_OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=str),
                              help="Write the report here (atomically) instead of standard output.")


@main.command("audit")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@_FLEET
@_calendar_option
@_rules_option
@_format_option("audit", help="Report format.", required=True)
@_REPORT_OUTPUT
@click.option("--jobs", type=click.IntRange(min=1), help="Packages inspected in parallel [default: CPU count].")
@click.option("--package-timeout", type=click.FloatRange(min=0, min_open=True),
              help="Seconds allowed to inspect one package; a slower one is listed as an error.")
@_fail_on_option
@limit_options
def audit_command(
    paths: tuple[str, ...], fleet_files: tuple[str, ...], calendar_files: tuple[str, ...],
    rules_files: tuple[str, ...], output_format: str, output: str | None, jobs: int | None,
    package_timeout: float | None, fail_on: str | None, strict: bool, **options: Any,
) -> None:
    """Audit a month's packages against a fleet: one report of every machine × package decision.

    A directory stands for the packages directly in it (subdirectories are not entered). A package that
    cannot be read is listed in the report's errors and
    does not stop the run (the exit code is then 3).
    """
    from pkginspect.batch import audit

    _refuse_facts_files(paths, "--fleet")
    calendar = _load_calendar(calendar_files)
    ruleset = _load_ruleset(rules_files)
    fleet = _load_fleet(fleet_files)
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int, path: str) -> None:
        if interactive:
            click.echo(f"\rinspecting {done}/{total}: {os.path.basename(path)[:60]:<60}", err=True, nl=done == total)

    result = audit(paths, fleet, calendar=calendar, ruleset=ruleset, jobs=jobs, limits=_limits(options),
                   progress=progress, now=_generation_time(), package_timeout=package_timeout)
    # Written as they are made: the decisions are never all held.
    _emit(format_of("audit", output_format).chunks(result), output)
    verdicts = [verdict for verdict, count in result.totals().items() if count]
    _final_exit(verdicts, _reported(result.errors), fail_on, strict)


def _month_option(value: str | None) -> str | None:
    from pkginspect.forecasting.months import parse_month

    if value is None:
        return None
    try:
        return parse_month(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a month like 2027-01", param_hint="--from") from exc


@main.command("forecast")
@_FLEET
@click.option("--months", type=click.IntRange(min=1, max=120), default=12, show_default=True,
              help="How many months to forecast.")
@click.option("--from", "start", metavar="YYYY-MM",
              help="First month [default: the month after today, or after SOURCE_DATE_EPOCH when set].")
@_calendar_option
@_rules_option
@click.option("--assessment", "assessments", multiple=True, metavar="[NAME=]FILE",
              help="An Azure patch assessment (az vm assess-patches output) of machine NAME (default: the file "
                   "name without extension), compared with the first month; repeatable.")
@_format_option("forecast", help="Report format.")
@_REPORT_OUTPUT
@click.option("--details", is_flag=True, help="Text output: every machine's months with their update and cause.")
@click.option("--no-what-if", "no_whatif", is_flag=True, help="Skip the what-if runs of each failing prerequisite.")
def forecast_command(
    fleet_files: tuple[str, ...], months: int, start: str | None, calendar_files: tuple[str, ...],
    rules_files: tuple[str, ...], assessments: tuple[str, ...], output_format: str, output: str | None,
    details: bool, no_whatif: bool,
) -> None:
    """Forecast each machine's restarts over the coming months, and what would remove them.

    Each month's expected update comes from the calendar (later months: the program's planned cadence) and its
    verdict from the same rules as 'check'. Every failing hotpatch prerequisite is fixed in turn to show the
    restarts it costs; fixes are ranked by the restarts they save across the fleet.
    """
    from pkginspect.forecasting import forecast, load_assessment

    first = _month_option(start)
    calendar = _load_calendar(calendar_files)
    ruleset = _load_ruleset(rules_files)
    fleet = _load_fleet(fleet_files)
    azure = [load_assessment(argument) for argument in assessments]
    result = forecast(fleet, months=months, start=first, calendar=calendar, ruleset=ruleset,
                      now=_generation_time(), whatif=not no_whatif, assessments=azure)
    _emit(_render("forecast", output_format, result, details=details), output)


# --- options and help every command shares --------------------------------------------------------------------

EXAMPLES: dict[str, str] = {
    "ls": "pkginspect ls fixtures/packages/Windows10.0-KB5037848-x64.msu",
    "extract": "pkginspect extract fixtures/packages/Windows10.0-KB5037848-x64.msu "
               "'Windows10.0-KB5037848-Hotpatch-x64.cab!update.mum' -d out",
    "inspect": "pkginspect inspect fixtures/packages/Windows10.0-KB5037848-x64.msu",
    "classify": "pkginspect classify fixtures/packages/Windows10.0-KB5037848-x64.msu "
                "fixtures/packages/Windows10.0-KB5037782-x64.msu",
    "calendar": "pkginspect calendar --product windows-server-2022-azure-edition",
    "check": "pkginspect check fixtures/packages/Windows10.0-KB5037848-x64.msu "
             "--machine fixtures/machines/azure-edition-core.json --explain",
    "audit": "pkginspect audit fixtures/packages/Windows10.0-KB5037848-x64.msu "
             "fixtures/packages/Windows10.0-KB5037782-x64.msu --fleet fixtures/machines/fleet.json "
             "--format html -o report.html",
    "forecast": "pkginspect forecast --fleet fixtures/machines/fleet.json --from 2026-01",
}
"""One example per command, shown at the end of its ``--help`` (run from the repository root)."""


def _set_debug(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:  # the group reads it when a command fails, wherever --debug was written
        ctx.find_root().params["debug"] = True


def _finish_commands() -> None:
    """``--debug`` after the command name too (``pkginspect ls X --debug``), and each command's example."""
    for name, command in main.commands.items():
        command.params.append(click.Option(
            ["--debug"], is_flag=True, expose_value=False, is_eager=True, callback=_set_debug,
            help="Show tracebacks instead of one-line errors (also accepted before the command)."))
        if name in EXAMPLES:
            command.epilog = f"\b\nExample:\n  {EXAMPLES[name]}"


_finish_commands()
