"""The plan of an org sync from WeCom (企业微信): what bringing a tenant's departments and people
in line with the directory would do, worked out without changing anything. The dry run shows
it, the apply carries it out (app/org/services/directory_sync.py); the rules in full:
docs/org-sync.md.

- WeCom's departments and members are `wecom:<department id>` / `wecom:<userid>` here: ids of
  their own, so what the sync owns is known and an HR system's ids never clash with them.
- Not linked yet, a department is adopted by name under the same parent, a person by employee
  number = userid or by mobile (as the WeCom sign-in matches); only rows linked to nothing, or
  to a WeCom id that is gone.
- WeCom's root department is the tenant itself. Nothing is ever deleted; a row not linked (or
  being linked) to WeCom is never touched. A WeCom department that cannot be made blocks the
  plan; a person who cannot be made is left out with a note.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import TypeGuard

from app.core.errors import ValidationError
from app.core.model_base import pk
from app.org.models import Department, User
from app.org.services.departments import clean_department_name
from app.org.services.sync import EXTERNAL_ID, PersonSpec
from app.org.services.validation import EMPLOYEE_NO, clean_email, clean_name, normalise_phone
from app.org.services.wecom_directory import MEMBER_STATUSES, Directory, DirectoryMember

PREFIX = "wecom:"
ACTIVE_STATUSES = frozenset({1, 4})  # active, not yet activated: both work there


def department_key(department_id: int) -> str:
    return f"{PREFIX}{department_id}"


def person_key(userid: str) -> str:
    return f"{PREFIX}{userid}"


def _ours(external_id: str | None) -> TypeGuard[str]:
    return external_id is not None and external_id.startswith(PREFIX)


@dataclass(frozen=True)
class DeptChange:
    external_id: str
    name: str
    parent_external_id: str | None
    parent_name: str  # "" at the top
    department_id: int | None = None  # None: to be created
    name_before: str = ""
    parent_before: str = ""
    link: bool = False  # an existing department adopted by name
    moved: bool = False
    enabled: bool = False

    @property
    def created(self) -> bool:
        return self.department_id is None

    @property
    def renamed(self) -> bool:
        return not self.created and self.name != self.name_before


@dataclass(frozen=True)
class DeptDisable:
    department_id: int
    name: str


@dataclass(frozen=True)
class FieldChange:
    field: str  # name, department, phone, email, is_active
    before: str
    after: str


@dataclass(frozen=True)
class PersonChange:
    external_id: str
    spec: PersonSpec
    department_name: str
    user_id: int | None = None  # None: to be created
    link: bool = False  # an existing person adopted by employee number or mobile
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class PersonDisable:
    user_id: int
    name: str
    external_id: str
    link: bool
    reason: str  # left (gone from the directory), disabled, quit


@dataclass(frozen=True)
class Note:
    subject: str  # the department's or person's name (or userid) as WeCom has it
    key: str  # the translation key of why
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class SyncPlan:
    departments: list[DeptChange] = field(default_factory=list)  # parents before children
    dept_disables: list[DeptDisable] = field(default_factory=list)
    people: list[PersonChange] = field(default_factory=list)
    person_disables: list[PersonDisable] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)  # left out; the rest goes ahead
    blockers: list[Note] = field(default_factory=list)  # the plan may not be applied

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)

    @property
    def is_empty(self) -> bool:
        return not (self.departments or self.dept_disables or self.people or self.person_disables)

    def counts(self) -> dict[str, int]:
        d, p = self.departments, self.people
        return {
            "dept_new": sum(c.created for c in d),
            "dept_renamed": sum(c.renamed for c in d),
            "dept_moved": sum(c.moved for c in d),
            "dept_enabled": sum(c.enabled for c in d),
            "dept_linked": sum(c.link for c in d),
            "dept_disabled": len(self.dept_disables),
            "person_new": sum(c.user_id is None for c in p),
            "person_changed": sum(c.user_id is not None for c in p),
            "person_disabled": len(self.person_disables),
            "skipped": len(self.skipped),
            "blockers": len(self.blockers),
        }

    def digest(self) -> str:
        """The same plan, the same digest: an apply checks the plan reviewed is still the plan."""
        body = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(body.encode()).hexdigest()


def plan_sync(
    *,
    directory: Directory,
    departments: list[Department],
    people: list[User],
    match_by_phone: bool,
) -> SyncPlan:
    """The plan for one tenant's rows (all its departments and people) against the directory."""
    plan = SyncPlan()
    local = {pk(d): d for d in departments}
    tree = _DepartmentPlanner(plan, directory, local)
    tree.build()
    finals = _PeoplePlanner(plan, directory, people, tree, match_by_phone).build()
    _plan_department_disables(plan, local, tree, finals)
    return plan


class _DepartmentPlanner:
    def __init__(self, plan: SyncPlan, directory: Directory, local: dict[int, Department]):
        self.plan, self.local = plan, local
        roots = {d.id for d in directory.departments if d.parent_id == 0}
        self.wecom = {d.id: d for d in directory.departments if d.id not in roots}
        self.parent = {
            i: (d.parent_id if d.parent_id in self.wecom else None) for i, d in self.wecom.items()
        }
        self.resolved: dict[str, int | None] = {}  # external id -> local id (None: to create)
        self.names: dict[str, str] = {}  # external id -> its name after the sync
        self.managed: set[int] = set()  # local ids linked (or being linked) to the directory

    def _depth(self, wecom_id: int) -> int:
        depth, seen = 0, {wecom_id}
        at = self.parent[wecom_id]
        while at is not None:
            if at in seen:
                return -1  # a loop: WeCom would never say so, but a loop must not hang us
            seen.add(at)
            depth += 1
            at = self.parent[at]
        return depth

    def build(self) -> None:
        wanted = {department_key(i) for i in self.wecom}
        linked = {d.external_id: d for d in self.local.values() if _ours(d.external_id)}
        adoptable = {
            (d.parent_id, d.name): d
            for d in self.local.values()
            if d.external_id is None or (_ours(d.external_id) and d.external_id not in wanted)
        }
        depths = {i: self._depth(i) for i in self.wecom}
        for wecom_id in sorted(self.wecom, key=lambda i: (depths[i], i)):
            if depths[wecom_id] < 0:
                self.plan.blockers.append(Note(self.wecom[wecom_id].name, "orgsync.block.loop"))
                continue
            self._one(wecom_id, linked, adoptable)
        self._refuse_taken_places()

    def _one(
        self,
        wecom_id: int,
        linked: dict[str, Department],
        adoptable: dict[tuple[int | None, str], Department],
    ) -> None:
        ext, raw = department_key(wecom_id), self.wecom[wecom_id].name
        parent = self.parent[wecom_id]
        parent_ext = department_key(parent) if parent else None
        parent_id = self.resolved.get(parent_ext) if parent_ext else None
        parent_is_new = parent_ext is not None and parent_id is None
        self.resolved[ext], self.names[ext] = None, raw
        try:
            name = clean_department_name(raw)
        except ValidationError:
            self.plan.blockers.append(Note(raw, "orgsync.block.bad_name"))
            return
        self.names[ext] = name
        found, link = linked.get(ext), False
        if found is None and not parent_is_new:
            found = adoptable.pop((parent_id, name), None)
            link = found is not None
        parent_name = self.names.get(parent_ext, "") if parent_ext else ""
        if found is None:
            self.plan.departments.append(DeptChange(ext, name, parent_ext, parent_name))
            return
        found_id = pk(found)
        self.resolved[ext] = found_id
        self.managed.add(found_id)
        before = self.local.get(found.parent_id) if found.parent_id else None
        change = DeptChange(
            ext,
            name,
            parent_ext,
            parent_name,
            department_id=found_id,
            name_before=found.name,
            parent_before=before.name if before else "",
            link=link,
            moved=parent_is_new or found.parent_id != parent_id,
            enabled=not found.is_active,
        )
        if change.link or change.moved or change.renamed or change.enabled:
            self.plan.departments.append(change)

    def _refuse_taken_places(self) -> None:
        """A department may not land where one the sync does not own already sits."""
        taken = {(d.parent_id, d.name) for d in self.local.values() if d.id not in self.managed}
        for change in self.plan.departments:
            parent = change.parent_external_id
            parent_id = self.resolved.get(parent) if parent else None
            if (parent is None or parent_id is not None) and (parent_id, change.name) in taken:
                self.plan.blockers.append(
                    Note(change.name, "orgsync.block.name_taken", {"parent": change.parent_name})
                )


def _phone(raw: str | None) -> str | None:
    try:
        return normalise_phone(raw) if raw else None
    except ValidationError:  # not a mainland mobile: as if WeCom had not said
        return None


def _email(raw: str | None) -> str | None:
    try:
        return clean_email(raw)
    except ValidationError:
        return None


Final = dict[int, tuple[bool, int | None]]  # user id -> (active, department id) after the sync


class _PeoplePlanner:
    def __init__(
        self,
        plan: SyncPlan,
        directory: Directory,
        people: list[User],
        tree: _DepartmentPlanner,
        match_by_phone: bool,
    ):
        self.plan, self.people, self.tree = plan, people, tree
        self.members = {m.userid: m for m in directory.members}
        self.match_by_phone = match_by_phone
        self.by_ext = {u.external_id: u for u in people if u.external_id}
        wanted = {person_key(uid) for uid in self.members}
        free = [
            u
            for u in people
            if u.external_id is None or (_ours(u.external_id) and u.external_id not in wanted)
        ]
        self.by_employee_no = {u.employee_no: u for u in free if u.employee_no}
        self.by_phone = {u.phone: u for u in free if u.phone}
        self.employee_nos = {u.employee_no: u.id for u in people if u.employee_no}
        self.phones = {u.phone: u.id for u in people if u.phone}
        self.claimed: set[int] = set()
        self.finals: Final = {pk(u): (u.is_active, u.department_id) for u in people}
        self.dept_names = {d.id: d.name for d in tree.local.values()}

    def build(self) -> Final:
        for userid in sorted(self.members):
            self._one(self.members[userid])
        for person in self.people:  # linked to a userid WeCom no longer has
            if _ours(person.external_id) and person.id not in self.claimed and person.is_active:
                self._disable(person, person.external_id, False, "left")
        return self.finals

    def _match(self, member: DirectoryMember, ext: str, mobile: str | None) -> User | None:
        found = self.by_ext.get(ext)
        if found is None:
            key = mobile if self.match_by_phone else member.userid
            found = (self.by_phone if self.match_by_phone else self.by_employee_no).get(key or "")
            if found is not None and found.id in self.claimed:
                found = None
        if found is not None:
            self.claimed.add(pk(found))
        return found

    def _disable(self, person: User, ext: str, link: bool, reason: str) -> None:
        self.plan.person_disables.append(PersonDisable(pk(person), person.name, ext, link, reason))
        self.finals[pk(person)] = (False, person.department_id)

    def _department(self, member: DirectoryMember) -> str | None:
        """The member's main department if the sync mirrors it, else their first one that is."""
        for wecom_id in (member.main_department, *member.departments):
            if wecom_id is not None and department_key(wecom_id) in self.tree.resolved:
                return department_key(wecom_id)
        return None

    def _one(self, member: DirectoryMember) -> None:
        ext = person_key(member.userid)
        if not EXTERNAL_ID.match(ext):
            self.plan.skipped.append(Note(member.userid[:64], "orgsync.skip.bad_userid"))
            return
        mobile = _phone(member.mobile)
        found = self._match(member, ext, mobile)
        link = found is not None and found.external_id != ext
        if member.status not in ACTIVE_STATUSES:
            if found is not None and found.is_active:
                self._disable(found, ext, link, MEMBER_STATUSES[member.status])
            return
        try:
            name = clean_name(member.name)
        except ValidationError:
            self.plan.skipped.append(Note(member.userid, "orgsync.skip.bad_name"))
            return
        department = self._department(member)
        if found is None:
            self._create(member, ext, name, mobile, department)
        else:
            self._update(found, ext, link, name, mobile, _email(member.email), department)

    def _taken(self, subject: str, field: str, value: str) -> None:
        self.plan.skipped.append(
            Note(subject, "orgsync.skip.taken", {"field": field, "value": value})
        )

    def _create(
        self, member: DirectoryMember, ext: str, name: str, mobile: str | None, dept: str | None
    ) -> None:
        employee_no = member.userid if EMPLOYEE_NO.match(member.userid) else None
        if employee_no and employee_no in self.employee_nos:
            return self._taken(name, "employee_no", employee_no)
        if mobile and mobile in self.phones:
            return self._taken(name, "phone", mobile)
        if employee_no:
            self.employee_nos[employee_no] = 0
        if mobile:
            self.phones[mobile] = 0
        spec = PersonSpec(name, employee_no, mobile, _email(member.email), None, dept, True)
        self.plan.people.append(PersonChange(ext, spec, self.tree.names.get(dept or "", "")))

    def _update(
        self,
        found: User,
        ext: str,
        link: bool,
        name: str,
        mobile: str | None,
        email: str | None,
        dept: str | None,
    ) -> None:
        phone = found.phone
        if mobile and mobile != found.phone:
            if self.phones.get(mobile, found.id) != found.id:
                self._taken(name, "phone", mobile)
            else:
                phone = mobile
                self.phones[mobile] = pk(found)  # only ever compared with a user's id
        spec = PersonSpec(
            name, found.employee_no, phone, email or found.email, found.badge_card_no, dept, True
        )
        target = self.tree.resolved.get(dept) if dept else None
        dept_name = self.tree.names.get(dept, "") if dept else ""
        before_dept = self.dept_names.get(found.department_id, "") if found.department_id else ""
        moved = (dept is not None and target is None) or target != found.department_id
        pairs = (
            ("name", found.name, name, found.name != name),
            ("department", before_dept, dept_name, moved),
            ("phone", found.phone or "", phone or "", found.phone != phone),
            ("email", found.email or "", spec.email or "", found.email != spec.email),
            ("is_active", "no", "yes", not found.is_active),
        )
        changes = tuple(FieldChange(f, str(b), str(a)) for f, b, a, differs in pairs if differs)
        self.finals[pk(found)] = (True, target)  # a new department is never one being disabled
        if changes or link:
            change = PersonChange(ext, spec, dept_name, found.id, link, changes)
            self.plan.people.append(change)


def _plan_department_disables(
    plan: SyncPlan, local: dict[int, Department], tree: _DepartmentPlanner, finals: Final
) -> None:
    """Departments linked to WeCom and gone from it are disabled, unless active people stay in
    them or below them (people not from the directory, say): those are kept, with a note."""
    gone = {
        pk(d)
        for d in local.values()
        if _ours(d.external_id) and d.id not in tree.managed and d.is_active
    }
    under: dict[int, set[int]] = {g: set() for g in gone}  # gone id -> itself and what hangs below
    for dept in local.values():
        at, steps = dept.id, 0
        while at is not None and at not in tree.managed and steps <= len(local):
            if at in gone:
                under[at].add(pk(dept))
            at, steps = local[at].parent_id if at in local else None, steps + 1
    occupied = {dept for active, dept in finals.values() if active and dept is not None}
    for gone_id in sorted(gone):
        name = local[gone_id].name
        if under[gone_id] & occupied:
            plan.skipped.append(Note(name, "orgsync.skip.dept_has_people"))
        else:
            plan.dept_disables.append(DeptDisable(gone_id, name))
