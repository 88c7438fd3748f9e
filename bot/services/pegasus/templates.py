"""Poster templates (SOP-330 step 2, `/desain`) and drawing a poster with one.

Templates come from the repository (`templates/pegasus/`) and from the data folder
(`<DATA_DIR>/pegasus-templates/`), where variants made in chat are kept so a deploy never
overwrites them and the repository is never written to.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from bot.flows.pegasus import templates as flows
from bot.messages import Image, Reply, Text
from bot.registry import Outcome
from bot.rendering.errors import EmptyText, InvalidImage, RenderError, TemplateError, TextTooLong
from bot.services.context import ServiceCtx, UserError
from bot.services.pegasus.common import PROGRAM, STEP_TEMPLATE, media_dir, require_role
from storage.models import Employee
from storage.pegasus import PegasusConfig

# bot.rendering.poster brings Pillow and fontTools: each function that draws or reads a
# template imports it, so the bot starts without them.
if TYPE_CHECKING:
    from bot.rendering.poster import PosterTemplate


DEFAULT_TEMPLATE = "potret-foto"


def uploaded_root(ctx: ServiceCtx) -> Path:
    """Where variants made in chat are kept."""
    root = Path(ctx.settings.data_dir) / "pegasus-templates"
    root.mkdir(parents=True, exist_ok=True)
    return root


def load(ctx: ServiceCtx, name: str) -> PosterTemplate:
    """A template by name, from the data folder first, then the repository."""
    from bot.rendering.poster import load_template

    root = uploaded_root(ctx)
    return load_template(name, root if (root / name).is_dir() else None)


def templates(ctx: ServiceCtx) -> list[tuple[str, str]]:
    """(name, title) of every template that loads, repository ones first."""
    from bot.rendering.poster import list_templates, load_template

    found: list[tuple[str, str]] = []
    for root in (None, uploaded_root(ctx)):
        for name in list_templates(root):
            try:
                found.append((name, load_template(name, root).title))
            except RenderError:
                continue  # a broken folder must not hide the others
    return found


def active_template(ctx: ServiceCtx) -> PosterTemplate:
    """The template new posters use (the default when the chosen one no longer loads)."""
    config = ctx.session.get(PegasusConfig, 1)
    if config is not None:
        try:
            return load(ctx, config.active_template)
        except RenderError:
            pass
    return load(ctx, DEFAULT_TEMPLATE)


def inside_media(ctx: ServiceCtx, raw: str) -> Path:
    """A received file's path, refused unless it lies in our media store."""
    path = Path(raw).resolve()
    if not path.is_relative_to(Path(ctx.settings.media_dir).resolve()) or not path.is_file():
        raise UserError(ctx.t("core.stale_button"))
    return path


def render(
    ctx: ServiceCtx,
    template: PosterTemplate,
    quote: str,
    author: Employee,
    photo: Path | None,
    stem: str,
) -> Path:
    """Draw a poster, turning rendering refusals into messages the actor understands."""
    from bot.rendering.poster import render_poster as draw_poster

    out = media_dir(ctx, "posters") / f"{stem}-{uuid.uuid4().hex[:8]}.png"
    try:
        draw_poster(
            template,
            quote,
            author.name,
            author.office.name,
            out,
            photo_path=photo if template.photo is not None else None,
        )
    except TextTooLong as exc:
        if exc.max_lines is not None:
            raise UserError(
                ctx.t("pegasus.quote_too_many_lines", lines=exc.max_lines, max=exc.max_chars)
            ) from None
        raise UserError(
            ctx.t("pegasus.quote_too_long", max=exc.max_chars, length=exc.length)
        ) from None
    except EmptyText:
        raise UserError(ctx.t("pegasus.quote_empty")) from None
    except InvalidImage as exc:
        raise UserError(image_problem(ctx, exc)) from None
    return out


def image_problem(ctx: ServiceCtx, exc: InvalidImage) -> str:
    known = ("not_image", "format", "too_small", "too_large", "file_too_big", "bad_aspect")
    reason = exc.reason if exc.reason in known else "not_image"
    return ctx.t(f"pegasus.image_{reason}")


def template_command(ctx: ServiceCtx, _args: str) -> Outcome:
    """/desain: choose the active template, or make one from a new background."""
    require_role(ctx, "pj_pegasus")
    data = flows.TemplateData(templates=templates(ctx), active=active_template(ctx).name)
    return Outcome(start_flow=flows.TEMPLATE_FLOW.name, flow_data=data)


def _sample(ctx: ServiceCtx, template: PosterTemplate) -> Image:
    assert ctx.actor is not None
    actor = ctx.employee(ctx.actor.id)
    path = render(
        ctx, template, ctx.t("pegasus.sample_quote"), actor, None, f"contoh-{template.name}"
    )
    return Image(str(path), ctx.t("pegasus.sample_caption", title=template.title))


def set_template(ctx: ServiceCtx, cmd: flows.SetTemplate) -> list[Reply]:
    """Make a template the one new posters use; show a sample."""
    require_role(ctx, "pj_pegasus")
    assert ctx.actor is not None
    try:
        template = load(ctx, cmd.name)
    except RenderError:
        raise UserError(ctx.t("core.stale_button")) from None
    config = ctx.session.get(PegasusConfig, 1)
    if config is None:
        config = PegasusConfig(id=1, active_template=template.name, updated_at=ctx.now)
        ctx.session.add(config)
    config.active_template = template.name
    config.updated_by_id = ctx.actor.id
    config.updated_at = ctx.now
    ctx.audit("pegasus_template", template.name)
    ctx.step_done(PROGRAM, STEP_TEMPLATE, f"template:{template.name}")
    return [Text(ctx.t("pegasus.template_set", title=template.title)), _sample(ctx, template)]


def make_template_variant(ctx: ServiceCtx, cmd: flows.MakeVariant) -> list[Reply]:
    """A new template from an existing layout and a background sent in chat."""
    from bot.rendering.poster import make_variant

    require_role(ctx, "pj_pegasus")
    image = inside_media(ctx, cmd.image_path)
    root = uploaded_root(ctx)
    if cmd.name in dict(templates(ctx)):
        raise UserError(ctx.t("pegasus.template_name_taken", name=cmd.name))
    try:
        if (root / cmd.base).is_dir():
            template = make_variant(cmd.base, image, cmd.name, root=root)
        else:
            template = _variant_of_builtin(cmd.base, image, cmd.name, root)
    except InvalidImage as exc:
        raise UserError(image_problem(ctx, exc)) from None
    except TemplateError:
        raise UserError(ctx.t("pegasus.template_name_bad")) from None
    ref = f"template:{template.name}"
    ctx.step_started(PROGRAM, STEP_TEMPLATE, ref, "1wd", at=cmd.started_at)
    ctx.audit("pegasus_template_variant", template.name, base=cmd.base)
    return [Text(ctx.t("pegasus.template_made", title=template.title)), _sample(ctx, template)]


def _variant_of_builtin(base: str, image: Path, name: str, root: Path) -> PosterTemplate:
    """make_variant writes beside its base; build next to a copy of the base, then move in."""
    from bot.rendering.poster import load_template, make_variant

    with tempfile.TemporaryDirectory(dir=root, prefix=".base-") as staging:
        shutil.copytree(load_template(base).folder, Path(staging) / base)
        made = make_variant(base, image, name, root=Path(staging))
        target = root / name
        if target.exists():
            raise TemplateError(f"template {name!r} exists")
        shutil.move(str(made.folder), target)
    return load_template(name, root)
