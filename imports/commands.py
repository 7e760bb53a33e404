"""What every management command of the registry shares.

A clerk types these commands by hand. A wrong argument, a file that cannot be read or written, an unknown
unit or user: each ends the command with one line of Chinese on stderr and a non-zero exit status, never
argparse's English usage dump, Django's "CommandError:" prefix or a traceback. Bugs still show their
traceback; only the user's own mistakes are turned into a sentence.
"""

import ast
import errno
import re
import sys
from argparse import SUPPRESS
from contextlib import contextmanager, suppress
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    SystemCheckError,
    handle_default_options,
)
from django.db import connections

# argparse's status for a usage error, kept so that a script can tell a mistyped command from a failed run (1).
USAGE_STATUS = 2

MISSING_ARGUMENTS = "缺少参数：{arguments}。用 --help 查看用法。"
UNKNOWN_ARGUMENTS = "无法识别的参数：{arguments}。用 --help 查看用法。"
NEEDS_VALUE = "参数 {argument} 后面要写一个值。"
TAKES_NO_VALUE = "参数 {argument} 后面不能带值。"
BAD_CHOICE = "参数 {argument} 的值“{value}”不对，可选：{choices}。"
BAD_VALUE = "参数 {argument} 的值“{value}”不对。"
AMBIGUOUS_OPTION = "参数 {option} 不明确，可能是：{matches}。"
BAD_ARGUMENTS = "参数不对。用 --help 查看用法。"

UNKNOWN_USER = "没有用户“{user}”。"
# A code typed as an argument, not a cell: said as the clerk typed it (rows use imports.errors.UNKNOWN_UNIT).
UNKNOWN_UNIT = "没有代码为“{code}”的单位。"
CANNOT_READ = "无法读取“{path}”：{reason}。"
CANNOT_WRITE = "无法写入“{path}”：{reason}。"

REASONS = {
    errno.ENOENT: "文件或目录不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOTDIR: "路径中有一级不是目录",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "文件系统只读",
    errno.ENAMETOOLONG: "文件名太长",
}
OTHER_REASON = "系统错误 {code}"

# argparse's own messages (Python 3.11), which it formats before calling error(); matched to be retold.
_REQUIRED = re.compile(r"^the following arguments are required: (?P<names>.+)$")
_UNRECOGNIZED = re.compile(r"^unrecognized arguments: (?P<arguments>.+)$")
_AMBIGUOUS = re.compile(r"^ambiguous option: (?P<option>\S+) could match (?P<matches>.+)$")
_ARGUMENT = re.compile(r"^argument (?P<argument>[^:]+): (?P<detail>.+)$")
_CHOICE = re.compile(r"^invalid choice: (?P<value>.+) \(choose from (?P<choices>.*)\)$")
_VALUE = re.compile(r"^invalid \S+ value: (?P<value>.+)$")


def _literal(text: str) -> str:
    """argparse quotes values with repr(); the user should see what she typed."""
    try:
        return str(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return text


def os_reason(exc: OSError) -> str:
    return REASONS.get(exc.errno, OTHER_REASON.format(code=exc.errno))


class ChineseCommandParser(CommandParser):
    """Raises every usage error as a CommandError in Chinese naming the argument, from the command line too."""

    def error(self, message):
        raise CommandError(self.retell(message), returncode=USAGE_STATUS)

    def retell(self, message: str) -> str:
        if match := _REQUIRED.match(message):
            names = match["names"].split(", ")
            return MISSING_ARGUMENTS.format(arguments="、".join(self._described(name) for name in names))
        if match := _UNRECOGNIZED.match(message):
            return UNKNOWN_ARGUMENTS.format(arguments=match["arguments"])
        if match := _AMBIGUOUS.match(message):
            return AMBIGUOUS_OPTION.format(option=match["option"], matches="、".join(match["matches"].split(", ")))
        if match := _ARGUMENT.match(message):
            argument, detail = match["argument"], match["detail"]
            if detail.startswith("expected"):
                return NEEDS_VALUE.format(argument=argument)
            if detail.startswith("ignored explicit argument"):
                return TAKES_NO_VALUE.format(argument=argument)
            if choice := _CHOICE.match(detail):
                choices = "、".join(_literal(each.strip()) for each in choice["choices"].split(","))
                return BAD_CHOICE.format(argument=argument, value=_literal(choice["value"]), choices=choices)
            if value := _VALUE.match(detail):
                return BAD_VALUE.format(argument=argument, value=_literal(value["value"]))
        return BAD_ARGUMENTS

    def _described(self, name: str) -> str:
        """The argument as argparse names it, with its help text, so the clerk knows what to supply."""
        for action in self._actions:
            label = "/".join(action.option_strings) or action.metavar or action.dest
            if label == name and action.help and action.help != SUPPRESS:
                return f"{name}（{action.help}）"
        return name


class RegistryCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Django builds its CommandParser by name and offers no hook for the class; ours only adds error().
        parser.__class__ = ChineseCommandParser
        return parser

    def run_from_argv(self, argv):
        """Django's run_from_argv, except that usage errors (raised by the parser, outside Django's try) are
        caught too, and the message is printed as it is, without the exception's class name."""
        self._called_from_command_line = True
        options = None
        try:
            parser = self.create_parser(argv[0], argv[1])
            options = parser.parse_args(argv[2:])
            cmd_options = vars(options)
            args = cmd_options.pop("args", ())
            handle_default_options(options)
            self.execute(*args, **cmd_options)
        except CommandError as exc:
            if options is not None and options.traceback:
                raise
            if isinstance(exc, SystemCheckError):
                self.stderr.write(str(exc), lambda text: text)
            else:
                self.stderr.write(str(exc))
            sys.exit(exc.returncode)
        finally:
            with suppress(ImproperlyConfigured):
                connections.close_all()

    @contextmanager
    def reading(self, path: Path):
        try:
            yield
        except OSError as exc:  # the file itself, or one inside the directory given
            raise CommandError(CANNOT_READ.format(path=exc.filename or path, reason=os_reason(exc))) from exc

    @contextmanager
    def writing(self, path: Path):
        try:
            yield
        except OSError as exc:
            raise CommandError(CANNOT_WRITE.format(path=exc.filename or path, reason=os_reason(exc))) from exc

    def find_user(self, username: str):
        account = get_user_model().objects.filter(username=username).first()
        if account is None:
            raise CommandError(UNKNOWN_USER.format(user=username))
        return account

    def find_unit(self, code: str, units):
        """The unit of `units` (a queryset the command passes in) that has this code, or a Chinese refusal."""
        unit = units.filter(code=code.strip().upper()).first()
        if unit is None:
            raise CommandError(UNKNOWN_UNIT.format(code=code))
        return unit
