"""Arithmetic over statistics, as admins write it: `cadres.female / cadres.total`.

A term is an element code (its total), `code.total` or `code.female`; terms combine with
+ - * / and parentheses. Parsed with Python's ast and a whitelist; nothing is eval'd.
"""

import ast
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.core.exceptions import ValidationError

from stats import errors

PARTS = ("total", "female")
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}

Values = dict[str, tuple[int | None, int | None]]  # element code -> (total, female)


@dataclass(frozen=True)
class Expression:
    text: str
    tree: ast.AST
    terms: frozenset[tuple[str, str]]  # (code, part)

    @property
    def codes(self) -> set[str]:
        return {code for code, _part in self.terms}

    @classmethod
    def parse(cls, text: str, elements: dict[str, bool]) -> "Expression":
        """elements: code -> whether it has a female part."""
        try:
            tree = ast.parse(text.strip(), mode="eval")
        except SyntaxError:
            raise ValidationError(errors.EXPR_SYNTAX.format(text=text), code="expr_syntax") from None
        terms: set[tuple[str, str]] = set()
        pending = [tree]
        while pending:
            node = pending.pop()
            term = _term(node)
            if term is None:
                if not _allowed(node):
                    part = ast.get_source_segment(text.strip(), node) or type(node).__name__
                    raise ValidationError(errors.EXPR_NOT_ALLOWED.format(text=text, part=part), code="expr_node")
                pending.extend(ast.iter_child_nodes(node))
                continue
            code, part = term
            if code not in elements:
                raise ValidationError(errors.EXPR_UNKNOWN_ELEMENT.format(text=text, code=code), code="expr_code")
            if part == "female" and not elements[code]:
                raise ValidationError(errors.EXPR_NO_FEMALE_PART.format(text=text, code=code), code="expr_female")
            terms.add(term)
        return cls(text.strip(), tree, frozenset(terms))

    def evaluate(self, values: Values) -> Decimal | None:
        """None when a figure is missing or a division by zero happens."""
        try:
            return _evaluate(self.tree.body, values)
        except (_Missing, DivisionByZero, InvalidOperation, ZeroDivisionError):
            return None


class _Missing(Exception):
    pass


def _term(node) -> tuple[str, str] | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in PARTS:
        return node.value.id, node.attr
    if isinstance(node, ast.Name):
        return node.id, "total"
    return None


def _allowed(node) -> bool:
    if isinstance(node, (ast.Expression, ast.Load, ast.UnaryOp, ast.USub, ast.UAdd, *_OPERATORS)):
        return True
    if isinstance(node, ast.BinOp):
        return type(node.op) in _OPERATORS
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float) and not isinstance(node.value, bool)
    return False


def _evaluate(node, values: Values) -> Decimal:
    term = _term(node)
    if term:
        code, part = term
        total, female = values.get(code, (None, None))
        value = total if part == "total" else female
        if value is None:
            raise _Missing(code)
        return Decimal(value)
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    left, right = _evaluate(node.left, values), _evaluate(node.right, values)
    if isinstance(node.op, ast.Add):
        return left + right
    if isinstance(node.op, ast.Sub):
        return left - right
    if isinstance(node.op, ast.Mult):
        return left * right
    return left / right
