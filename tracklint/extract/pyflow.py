"""Where a Python receiver comes from: SDK clients followed through the code, by scope.

A call such as ``self._posthog_client.capture(...)`` or ``client.capture(...)`` is an SDK call
when the code says the receiver holds an SDK client, whatever its name:

* assigned from an SDK constructor (``ph = Posthog(key)``, ``self.c = posthog.Posthog(...)``);
* annotated with the SDK's class (``client: Optional[Posthog]``, ``self.c: Posthog | None``,
  ``def f(ph: Posthog)``, a class attribute ``client: "Posthog"``);
* assigned from another such name (``self.posthog = posthog``, an injected parameter);
* assigned from a function of the file whose return annotation or ``return`` says so
  (``def _client() -> Posthog``, ``return _client`` where ``_client = Posthog(...)``).

Names follow Python's scopes, innermost first: a function's parameters and assignments (unless
it declares the name ``global``), the enclosing functions, then the module; ``self.x`` and
``cls.x`` look in the class around the call. A name bound in its scope to something that is not
an SDK client (``client = Redis()``, ``client: httpx.Client``) is evidence too: the caller labels
a call that matches only by the receiver's name ``unknown`` rather than with an SDK's name.

Everything is found by byte offset (a regex for the name, ``descendant_for_byte_range`` for the
node), once per name and file; each step back through an assignment is counted and capped
(:data:`MAX_STEPS`), so no recursion follows the input.
"""

from __future__ import annotations

import re
from typing import Callable

from tracklint.extract.prefilter import words_regex

#: Assignments a receiver is followed back through (``self.ph = ph`` <- ``ph: Posthog``).
MAX_STEPS = 4
#: Binding sites looked at for one name in one file (a name used thousands of times is common).
MAX_SITES = 2000
#: Syntax-tree levels walked up from a name to find the functions and classes around it.
MAX_DEPTH = 400

#: The origin of a name bound in its scope to something nothing is known about (an untyped
#: parameter, a loop variable, an import): it hides the bindings of outer scopes.
UNKNOWN = ""

_SELF = ("self", "cls")
_WRAPPED = re.compile(r"^(?:typing\.)?(?:Optional|Union)\[(.*)\]$")
_DOTTED = re.compile(r"^[A-Za-z_][\w.]*$")
#: Annotations that say nothing about the object.
_ANY = frozenset({"Any", "typing.Any", "object"})


def annotated_class(text: str) -> str | None:
    """The one class an annotation names, ``None`` allowed beside it: ``Posthog``,
    ``Optional[Posthog]``, ``Posthog | None``, ``Union[None, "Posthog"]``, ``"Posthog"`` ->
    ``Posthog``; ``list[Posthog]`` and ``A | B`` -> None."""
    text = re.sub(r"[\s'\"]", "", text)
    for _ in range(3):
        match = _WRAPPED.match(text)
        if match is None:
            break
        text = match.group(1)
    if "[" in text:
        return None
    names = [part for part in re.split(r"[|,]", text) if part and part != "None"]
    if len(names) != 1 or not _DOTTED.match(names[0]) or names[0] in _ANY:
        return None
    return names[0]


class Flow:
    """Resolves receivers of one parsed file to their origin: ``"new:<class>"`` (the class as
    imported, see ``extract/python.py``), :data:`UNKNOWN`, or None when nothing binds it."""

    def __init__(self, data: bytes, root, *, sdk_classes: frozenset[str],
                 dotted: Callable, qualify: Callable[[str], str]) -> None:
        self.data, self.root, self.sdk_classes = data, root, sdk_classes
        self.dotted, self.qualify = dotted, qualify
        self._around: dict[int, tuple[list, list]] = {}
        self._words: dict[str, list] = {}
        self._returns: dict[str, str | None] = {}
        #: Whether a receiver was followed through another name or a function (which a windowed
        #: parse may have hidden: the extractor then asks for a whole parse).
        self.followed = False

    def is_sdk(self, origin: str | None) -> bool:
        return bool(origin) and origin.startswith("new:") and origin[4:] in self.sdk_classes

    # --- receivers --------------------------------------------------------------------------

    def receiver(self, parts: list[str], offset: int) -> str | None:
        """The origin of the receiver ``parts`` of a call at ``offset`` (``x`` or ``self.x``)."""
        if len(parts) == 1:
            return self.name(parts[0], offset, MAX_STEPS)
        if len(parts) == 2 and parts[0] in _SELF:
            return self.attribute(parts[1], offset, MAX_STEPS)
        return None

    def name(self, name: str, offset: int, steps: int) -> str | None:
        """A bare name at ``offset``: its bindings in the innermost scope that has some."""
        if steps <= 0 or not name.isidentifier():
            return None
        sites = self._name_sites(name)
        if not sites:
            return None
        for scope in [f.id for f in self._functions(offset)] + [None]:
            here = [site for site in sites if site[0] == scope]
            if here:
                return self._combine([(value, kind) for _, value, kind in here], steps)
        return None

    def attribute(self, attr: str, offset: int, steps: int) -> str | None:
        """``self.attr`` at ``offset``: its assignments in the class around it, and the class
        body's own ``attr: T`` / ``attr = ...``."""
        classes = self._classes(offset)
        if steps <= 0 or not classes or not attr.isidentifier():
            return None
        cls = classes[0]
        found = []
        for ident in self._words_of(attr):
            if not cls.start_byte <= ident.start_byte < cls.end_byte:
                continue
            site = self._attribute_site(ident, cls)
            if site is not None:
                found.append(site)
        return self._combine(found, steps) if found else None

    def imported_origin(self, name: str, offset: int, imports: dict[str, tuple[str, str]]):
        """(module, name) when ``name`` at ``offset`` holds what another module gives: the name
        itself imported (``from app.telemetry import posthog_client``), or assigned the result
        of an imported function (``client = get_client()``: the name ``get_client()``)."""
        sites = self._name_sites(name)
        for scope in [f.id for f in self._functions(offset)] + [None]:
            here = [(value, kind) for site_scope, value, kind in sites if site_scope == scope]
            if not here:
                continue
            if len(here) == 1 and here[0][1] == "value" and here[0][0].type == "call":
                function = here[0][0].child_by_field_name("function")
                callee = _text(self.data, function) if function is not None \
                    and function.type == "identifier" else None
                origin = imports.get(callee) if callee else None
                return (origin[0], origin[1] + "()") if origin and origin[1] != "*" else None
            imported = imports.get(name)
            if imported is not None and imported[1] != "*" and all(k == "unknown" for _, k in here):
                return imported
            return None
        return None

    def module_clients(self, names, mentions: tuple[bytes, ...]) -> dict[str, str]:
        """``FileExtraction.clients``: of ``names``, those the module binds to an SDK client,
        and the module's functions that return one (as ``name()``; only functions whose text
        names one of ``mentions``, the SDK classes' names)."""
        out: dict[str, str] = {}
        end = len(self.data)
        for name in names:
            origin = self.name(name, end, MAX_STEPS)
            if self.is_sdk(origin):
                out[name] = origin
        for definition in _top_level_functions(self.root) if mentions else ():
            name = definition.child_by_field_name("name")
            body = self.data[definition.start_byte:definition.end_byte]
            if name is None or not any(m in body for m in mentions):
                continue
            origin = self.returns(_text(self.data, name), definition.start_byte, MAX_STEPS)
            if self.is_sdk(origin):
                out[_text(self.data, name) + "()"] = origin
        return out

    # --- binding sites ------------------------------------------------------------------------

    def _words_of(self, word: str) -> list:
        found = self._words.get(word)
        if found is None:
            found = self._words[word] = self._word_nodes(word.encode(), "identifier", 0, len(self.data))
        return found

    def _word_nodes(self, word: bytes, node_type: str, start: int, end: int) -> list:
        """The ``node_type`` nodes that start where ``word`` stands as a word in ``[start, end)``
        (at most :data:`MAX_SITES`): a text search, then the node there, instead of a walk."""
        found = []
        for count, match in enumerate(words_regex((word,)).finditer(self.data, start, end)):
            if count >= MAX_SITES:
                break
            node = self.root.descendant_for_byte_range(match.start(), match.end())
            if node is not None and node.type == node_type and node.start_byte == match.start():
                found.append(node)
        return found

    def _name_sites(self, name: str) -> list[tuple]:
        """(scope, value, kind) for every place that binds ``name``: ``kind`` is ``type`` (an
        annotation node), ``value`` (an expression node) or ``unknown``."""
        sites: list[tuple] = []
        globals_in: set[int] = set()
        bound = []
        for ident in self._words_of(name):
            parent = ident.parent
            if parent is not None and parent.type == "global_statement":
                scope = self._innermost(ident.start_byte)
                if scope is not None:
                    globals_in.add(scope)
                continue
            site = _binding(ident)
            if site is not None:
                bound.append((ident, site))
        for ident, site in bound:
            if site[1] == "class":
                continue  # a class body's name is the class's attribute, not a variable
            scope = self._innermost(ident.start_byte)
            if scope is not None and scope in globals_in:
                scope = None
            for value, kind in site[0]:
                sites.append((scope, value, kind))
        return sites

    def _attribute_site(self, ident, cls):
        parent = ident.parent
        if parent is None:
            return None
        if parent.type == "attribute":
            obj, attr, assignment = (parent.child_by_field_name("object"),
                                     parent.child_by_field_name("attribute"), parent.parent)
            if (obj is None or attr is None or attr.id != ident.id or obj.type != "identifier"
                    or _text(self.data, obj) not in _SELF or assignment is None
                    or assignment.type != "assignment"):
                return None
            left = assignment.child_by_field_name("left")
            if left is None or left.id != parent.id:
                return None
            return _assigned(assignment)[0]
        site = _binding(ident)
        if site is None or site[1] != "class" or ident.parent.parent.parent.parent.id != cls.id:
            return None
        return site[0][0]

    # --- origins --------------------------------------------------------------------------

    def _combine(self, sites: list[tuple], steps: int) -> str | None:
        """One origin when the sites agree (``None`` values and unknown sites aside), else
        :data:`UNKNOWN`."""
        origins = {self._origin(node, kind, steps) for node, kind in sites}
        known = {o for o in origins if o}
        return next(iter(known)) if len(known) == 1 else UNKNOWN

    def _origin(self, node, kind: str, steps: int) -> str | None:
        if kind == "type":
            name = annotated_class(_text(self.data, node))
            return "new:" + self.qualify(name) if name else None
        if kind == "value":
            return self.value(node, steps - 1)
        return None

    def value(self, node, steps: int) -> str | None:
        """The origin of an expression: a constructor or factory call, or a name bound to one."""
        if steps <= 0:
            return None
        while node.type in ("parenthesized_expression", "await") and node.named_child_count:
            node = node.named_children[0]
        if node.type == "identifier":
            self.followed = True
            return self.name(_text(self.data, node), node.start_byte, steps)
        if node.type == "attribute":
            self.followed = True
            obj, attr = node.child_by_field_name("object"), node.child_by_field_name("attribute")
            if obj is not None and attr is not None and obj.type == "identifier" \
                    and _text(self.data, obj) in _SELF:
                return self.attribute(_text(self.data, attr), node.start_byte, steps)
            return None
        if node.type != "call":
            return None
        function = node.child_by_field_name("function")
        dotted = self.dotted(function) if function is not None else None
        if not dotted:
            return None
        qualified = self.qualify(dotted)
        if qualified in self.sdk_classes:
            return "new:" + qualified
        head, _, rest = dotted.partition(".")
        local = dotted if not rest else rest if head in _SELF and "." not in rest else None
        self.followed = self.followed or bool(local)
        made = self.returns(local, node.start_byte, steps - 1) if local else None
        if made:
            return made
        # a class of the app or of a library (by convention capitalised): not an SDK client
        return "new:" + qualified if dotted.rpartition(".")[2][:1].isupper() else None

    def returns(self, function: str, offset: int, steps: int) -> str | None:
        """What the file's function (or method of the class around ``offset``) named
        ``function`` returns: its return annotation, else what its ``return`` statements give."""
        if steps <= 0:
            return None
        classes = self._classes(offset)
        key = f"{classes[0].id if classes else ''}:{function}"
        if key in self._returns:
            return self._returns[key]
        self._returns[key] = None  # while it is being worked out (a function calling itself)
        found: set[str] = set()
        for ident in self._words_of(function):
            definition = ident.parent
            name = definition.child_by_field_name("name") if definition is not None \
                and definition.type == "function_definition" else None
            if name is None or name.id != ident.id:
                continue
            found.update(o for o in self._definition_returns(definition, steps) if o)
        result = self._returns[key] = next(iter(found)) if len(found) == 1 else None
        return result

    def _definition_returns(self, definition, steps: int) -> list[str | None]:
        annotation = definition.child_by_field_name("return_type")
        if annotation is not None:
            name = annotated_class(_text(self.data, annotation))
            return ["new:" + self.qualify(name)] if name else []
        origins = []
        for keyword in self._word_nodes(b"return", "return", definition.start_byte, definition.end_byte):
            statement = keyword.parent
            if statement is None or statement.type != "return_statement" \
                    or self._innermost(keyword.start_byte) != definition.id:
                continue
            value = statement.named_children[0] if statement.named_child_count else None
            if value is not None and value.type != "none":
                origins.append(self.value(value, steps))
        return origins


    # --- scopes ---------------------------------------------------------------------------

    def _scopes(self, offset: int) -> tuple[list, list]:
        """The function and class definitions around ``offset``, innermost first (by walking up
        from the node there: no query over the whole file)."""
        found = self._around.get(offset)
        if found is None:
            functions: list = []
            classes: list = []
            node = self.root.descendant_for_byte_range(offset, offset)
            for _ in range(MAX_DEPTH):
                if node is None:
                    break
                if node.type == "function_definition" and node.start_byte < offset:
                    functions.append(node)
                elif node.type == "class_definition" and node.start_byte < offset:
                    classes.append(node)
                node = node.parent
            found = self._around[offset] = (functions, classes)
        return found

    def _functions(self, offset: int) -> list:
        return self._scopes(offset)[0]

    def _classes(self, offset: int) -> list:
        return self._scopes(offset)[1]

    def _innermost(self, offset: int) -> int | None:
        """The id of the innermost function around ``offset``, None at module level."""
        functions = self._functions(offset)
        return functions[0].id if functions else None


def _top_level_functions(root) -> list:
    """The module's own functions (decorated too), not methods or nested functions."""
    found = []
    for child in root.named_children:
        if child.type == "decorated_definition":
            child = child.child_by_field_name("definition")
        if child is not None and child.type == "function_definition":
            found.append(child)
    return found


def _text(data: bytes, node) -> str:
    return data[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _assigned(assignment) -> list[tuple]:
    """What an assignment says about its target: its annotation, then its value."""
    sites = []
    annotation = assignment.child_by_field_name("type")
    right = assignment.child_by_field_name("right")
    if annotation is not None:
        sites.append((annotation, "type"))
    if right is not None:
        sites.append((right, "value"))
    return sites or [(None, "unknown")]


def _binding(ident):
    """(sites, where) when ``ident`` is bound here (``where``: ``class`` for a class body's own
    statement, else ``local``), else None. A site is (node, kind), see ``Flow._name_sites``."""
    parent = ident.parent
    if parent is None:
        return None
    kind = parent.type
    if kind == "assignment":
        left = parent.child_by_field_name("left")
        if left is None or left.id != ident.id:
            return None
        statement = parent.parent
        block = statement.parent if statement is not None else None
        in_class = block is not None and block.type == "block" and block.parent is not None \
            and block.parent.type == "class_definition" and statement.type == "expression_statement"
        return _assigned(parent), "class" if in_class else "local"
    if kind in ("typed_parameter", "typed_default_parameter"):
        if parent.named_child_count == 0 or parent.named_children[0].id != ident.id:
            return None
        annotation = parent.child_by_field_name("type")
        return ([(annotation, "type")] if annotation is not None else [(None, "unknown")]), "local"
    if kind == "default_parameter":
        name = parent.child_by_field_name("name")
        return ([(None, "unknown")], "local") if name is not None and name.id == ident.id else None
    if kind in ("parameters", "lambda_parameters", "list_splat_pattern", "dictionary_splat_pattern",
                "pattern_list", "tuple_pattern", "as_pattern_target", "dotted_name", "aliased_import"):
        if kind == "dotted_name" and (parent.parent is None or parent.parent.type not in (
                "import_statement", "import_from_statement", "aliased_import")):
            return None
        return [(None, "unknown")], "local"
    if kind == "for_statement" and parent.child_by_field_name("left") is not None \
            and parent.child_by_field_name("left").id == ident.id:
        return [(None, "unknown")], "local"
    return None
