"""`taizhang audit`: signing key, checkpoints, proofs, verify, export / verify-bundle, replay, forget.

Results are printed as JSON on stdout (for scripts and auditors); messages go
to stderr.  `verify`, `verify-bundle` and `replay` exit with 1 when something
does not match, 2 on a usage error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from api.settings import Settings

err = Console(stderr=True)
audit_app = typer.Typer(help="审计：完整性日志、签名检查点、证明、离线核验、重算发布、个人信息删除", no_args_is_help=True)


def _service():
    from projections.audit.service import AuditService

    return AuditService.from_settings(Settings())


def _print(data: object) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[red]{message}[/red]")
    return typer.Exit(code)


def _errors():
    from projections.audit.checkpoint import CheckpointError
    from projections.audit.service import AuditError
    from projections.audit.vault import VaultError
    from projections.audit.verify import ProofError

    return (AuditError, CheckpointError, ProofError, VaultError, FileExistsError, ValueError)


@audit_app.command()
def keygen() -> None:
    """生成 Ed25519 签名密钥（路径：TAIZHANG_SIGNING_KEY_PATH）；已存在则拒绝覆盖。"""
    service = _service()
    try:
        vkey = service.keygen()
    except _errors() as error:
        raise _fail(str(error)) from None
    err.print(f"签名密钥已写入 {service.notary.key_path}（公钥 {service.notary.key_path}.pub）")
    _print({"signing_key_path": str(service.notary.key_path), "verifier_key": vkey})


@audit_app.command()
def status() -> None:
    """完整性日志的大小、根哈希、未入日志的事件数、最新检查点。"""
    _print(_service().status())


@audit_app.command("catch-up")
def catch_up() -> None:
    """把未经完整性记录器写入的事件补入日志（标记为 adopted）。"""
    n = _service().log.catch_up()
    _print({"adopted": n})


@audit_app.command()
def follow(interval: Annotated[float, typer.Option(help="seconds between catch-ups")] = 0.5) -> None:
    """跟随模式：为未启用完整性记录器的写入进程持续补录（Ctrl-C 结束）。"""
    service = _service()
    err.print(f"following {service.database_url} every {interval}s")
    try:
        service.log.follow(interval, on_append=lambda n: err.print(f"+{n} events"))
    except KeyboardInterrupt:
        pass


@audit_app.command()
def checkpoint(
    reason: Annotated[str, typer.Option(help="why (e.g. 'on demand', 'publication: cycle 2024')")] = "on demand",
    digests: Annotated[bool, typer.Option(help="build every read model as of this point and sign their digests")]
    = False,
) -> None:
    """签署检查点（树大小、根哈希、时间），存入 checkpoints 表。"""
    service = _service()
    try:
        if digests:
            from projections.audit.replay import checkpoint_with_digests

            cp = checkpoint_with_digests(service, reason)
        else:
            cp = service.make_checkpoint(reason)
    except _errors() as error:
        raise _fail(str(error)) from None
    _print(cp.as_dict())


@audit_app.command()
def checkpoints() -> None:
    """列出所有检查点。"""
    _print([cp.as_dict() for cp in _service().notary.all()])


@audit_app.command()
def prove(
    position: Annotated[Optional[int], typer.Option(help="ledger position of the event")] = None,
    checkpoint: Annotated[Optional[int], typer.Option(help="tree size of the checkpoint (default: latest)")] = None,
    from_: Annotated[Optional[int], typer.Option("--from", help="older tree size")] = None,
    to: Annotated[Optional[int], typer.Option(help="newer tree size")] = None,
) -> None:
    """包含证明（--position N [--checkpoint SIZE]）或一致性证明（--from SIZE --to SIZE），输出 JSON。"""
    service = _service()
    try:
        if position is not None and from_ is None and to is None:
            _print(service.prove_inclusion(position, checkpoint))
        elif position is None and checkpoint is None and from_ is not None and to is not None:
            _print(service.prove_consistency(from_, to))
        else:
            raise _fail("give --position N [--checkpoint SIZE], or --from SIZE --to SIZE")
    except _errors() as error:
        raise _fail(str(error), 1) from None


@audit_app.command()
def verify() -> None:
    """从存储的事件重算整棵树，与存储的节点和每个检查点比对；报告第一个不一致的位置。"""
    report = _service().verify()
    _print(report.as_dict())
    if not report.ok:
        err.print(f"[red]核验失败：第一个不一致的位置 {report.first_bad_position}[/red]")
        if report.counts.get("unlogged"):
            err.print("[yellow]日志之后的事件：若来自未启用完整性记录器的写入进程，核实后运行 "
                      "`taizhang audit catch-up` 补录；否则为伪造[/yellow]")
        raise typer.Exit(1)
    err.print(f"[green]核验通过：{report.events} 个事件，{report.checkpoints} 个检查点[/green]")
    if report.adopted:
        err.print(f"[yellow]{report.adopted} 个事件由补录（catch-up）写入日志，而非写入事件的事务本身"
                  f"（位置 {report.adopted_positions}…）：来自未启用完整性记录器的写入进程，或在补录前被伪造[/yellow]")


@audit_app.command()
def export(
    path: Annotated[Path, typer.Argument(help="a new directory, or a file ending in .zip")],
    prove: Annotated[Optional[list[int]], typer.Option(help="positions to include inclusion proofs for")] = None,
    checkpoint: Annotated[bool, typer.Option(help="sign a checkpoint first if the log moved on")] = True,
) -> None:
    """导出审计包：事件（JSON lines）、检查点、公钥、证明、离线核验程序。"""
    try:
        manifest = _service().export(path, prove or None, checkpoint)
    except _errors() as error:
        raise _fail(str(error)) from None
    _print(manifest)


@audit_app.command("verify-bundle")
def verify_bundle(
    path: Annotated[Path, typer.Argument(help="bundle directory or .zip")],
    key: Annotated[Optional[str], typer.Option(help="the published verifier key (default: the bundle's)")] = None,
) -> None:
    """离线核验审计包（不连接数据库）。"""
    from projections.audit.offline import verify_bundle as check

    if not path.exists():
        raise _fail(f"{path}: no such bundle")
    report = check(path, key)
    _print(report)
    if not report["ok"]:
        err.print(f"[red]审计包核验失败：第一个不一致的位置 {report['first_bad_position']}[/red]")
        raise typer.Exit(1)


@audit_app.command()
def replay(
    checkpoint: Annotated[Optional[int], typer.Option(help="tree size of the checkpoint (default: latest)")] = None,
    bundle: Annotated[Optional[Path], typer.Option(help="replay from an exported bundle instead of the database")]
    = None,
    key: Annotated[Optional[str], typer.Option(help="with --bundle: the published verifier key")] = None,
    keep: Annotated[bool, typer.Option(help="keep the disposable databases")] = False,
) -> None:
    """按检查点重建全部读模型到临时数据库，比对发布时签名的摘要："match" 或第一处不同的行。"""
    try:
        if bundle is not None:
            from projections.audit.bundle_replay import replay_bundle

            if not bundle.exists():
                raise _fail(f"{bundle}: no such bundle")
            result = replay_bundle(bundle, key, checkpoint, keep=keep)
        else:
            from projections.audit.replay import replay_checkpoint

            result = replay_checkpoint(_service(), checkpoint, keep=keep)
    except _errors() as error:
        raise _fail(str(error)) from None
    _print(result)
    _publication_lines(result.get("publications", []))
    if result["result"] != "match":
        raise typer.Exit(1)


PUBLICATION_ZH = {"rating_publication": "星级评定", "blacklist_publication": "黑名单",
                  "subsidy_list_publication": "补贴清单"}


def _publication_lines(publications: list[dict]) -> None:
    """One line per publication on stderr: "match", or what differs (the JSON on stdout has it all)."""
    for p in publications:
        cp = p.get("checkpoint")
        where = ("（签名于本检查点）" if p.get("signed_in_checkpoint") else
                 f"（检查点 {cp['size']}：{'签名有效' if cp['signed'] else '无有效签名'}，"
                 f"{'根与日志一致' if cp['log_root_matches'] else '根与日志不符'}）" if cp else "（未附签名检查点）")
        name = f"{PUBLICATION_ZH.get(p['kind'], p['kind'])} {p['key']} 第 {p['number']} 次{where}"
        if p["result"] == "match":
            err.print(f"[green]✓ {name}：match[/green]")
        else:
            row = p.get("first_differing_row")
            differs = json.dumps(row, ensure_ascii=False) if row else "行相同，摘要不同"
            err.print(f"[red]✗ {name}：mismatch；第一处不同：{differs}[/red]")


@audit_app.command()
def forget(person: Annotated[str, typer.Argument(help="person id (32 hex) or the phone number sealed under")]) -> None:
    """销毁某人的密钥：姓名、电话显示为"已删除"，事件哈希、证明、计数和发布不变。"""
    try:
        _print(_service().forget(person))
    except _errors() as error:
        raise _fail(str(error)) from None


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
