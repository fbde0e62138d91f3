"""The Gloss language server checked from outside: pytest-lsp poses as VS Code
and Neovim, and every response is structured into the LSP types (a malformed
response fails the test)."""

import asyncio
import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

GLOSS = os.environ.get("GLOSS_BIN", str(pathlib.Path(__file__).resolve().parents[2] / "target" / "release" / "gloss"))
DOC = "01-russias-north-korean-connection.txt"


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[GLOSS, "lsp"]),
    params=["visual-studio-code", "neovim"],
)
async def client(lsp_client: LanguageClient, request, seeds):
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        return None

    caps = client_capabilities(request.param)
    params = types.InitializeParams(
        capabilities=caps,
        workspace_folders=[types.WorkspaceFolder(uri=seeds.as_uri(), name="seeds")],
        initialization_options={"diagnostics": {"debounceMs": 0}},
    )
    lsp_client.capabilities = caps
    result = await lsp_client.initialize_session(params)
    assert result.server_info.name == "gloss"
    # Positions are counted in what the server chose from what the client offered.
    lsp_client.utf8 = result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    lsp_client.server_legend = result.capabilities.semantic_tokens_provider.legend
    offered = (caps.general.position_encodings if caps.general else None) or [types.PositionEncodingKind.Utf16]
    assert result.capabilities.position_encoding in offered
    yield
    await lsp_client.shutdown_session()


async def open_doc(client: LanguageClient, seeds: pathlib.Path, name: str) -> tuple[str, str]:
    path = seeds / name
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(uri=uri, language_id="gloss", version=1, text=text))
    )
    return uri, text


def position(client: LanguageClient, text: str, needle: str, skip: int = 0) -> types.Position:
    at = text.index(needle) + skip
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    prefix = text[start:at]
    character = len(prefix.encode("utf-8")) if client.utf8 else len(prefix.encode("utf-16-le")) // 2
    return types.Position(line=line, character=character)


async def settled(client: LanguageClient, uri: str, code: str) -> list[types.Diagnostic]:
    """The document's diagnostics once they include `code` (indexing runs in
    the background): pulled from a client that pulls, else as pushed."""
    pulls = client.capabilities.text_document is not None and client.capabilities.text_document.diagnostic is not None
    for _ in range(100):
        if pulls:
            report = await client.text_document_diagnostic_async(
                types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
            )
            found = list(report.items)
        else:
            found = list(client.diagnostics.get(uri, []))
        if any(d.code == code for d in found):
            return found
        if pulls:
            await asyncio.sleep(0.1)
        else:
            await client.wait_for_notification("textDocument/publishDiagnostics")
    raise AssertionError(f"no {code} for {uri}")


async def test_diagnostics_show_the_conflict(client: LanguageClient, seeds):
    uri, _ = await open_doc(client, seeds, DOC)
    found = await settled(client, uri, "conflicting-claim")
    conflict = next(d for d in found if d.code == "conflicting-claim")
    assert conflict.source == "gloss"
    assert "3,000" in conflict.message
    assert conflict.related_information


async def test_hover_definition_references(client: LanguageClient, seeds):
    uri, text = await open_doc(client, seeds, DOC)
    await settled(client, uri, "conflicting-claim")
    doc = types.TextDocumentIdentifier(uri=uri)
    at = position(client, text, "{@putin}", 3)
    hover = await client.text_document_hover_async(types.HoverParams(text_document=doc, position=at))
    assert "Vladimir Putin" in hover.contents.value
    claim = position(client, text, "approximately 10,000")
    defs = await client.text_document_definition_async(types.DefinitionParams(text_document=doc, position=claim))
    assert defs and defs[0].uri.endswith("registry.toml")
    refs = await client.text_document_references_async(
        types.ReferenceParams(text_document=doc, position=at, context=types.ReferenceContext(include_declaration=False))
    )
    assert len(refs) > 10


async def test_completion_symbols_tokens(client: LanguageClient, seeds):
    uri, text = await open_doc(client, seeds, DOC)
    await settled(client, uri, "conflicting-claim")
    doc = types.TextDocumentIdentifier(uri=uri)
    items = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc, position=position(client, text, "{@putin}", 3))
    )
    labels = [i.label for i in (items.items if hasattr(items, "items") else items)]
    assert "putin" in labels
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc))
    assert any(s.name == "North Korean troops in Russia" for s in symbols)
    tokens = await client.text_document_semantic_tokens_full_async(types.SemanticTokensParams(text_document=doc))
    assert len(tokens.data) % 5 == 0 and tokens.data
    # Decoded with the legend, the token at `@putin` is an actor (`variable`)
    # and starts at the `@`, counted in the negotiated encoding.
    legend = client.server_legend
    decoded, line, start = [], 0, 0
    for i in range(0, len(tokens.data), 5):
        dl, ds, length, kind, _ = tokens.data[i : i + 5]
        line, start = line + dl, (start + ds if dl == 0 else ds)
        decoded.append((line, start, length, legend.token_types[kind]))
    at = position(client, text, "@putin")
    assert (at.line, at.character, 6, "variable") in decoded
    ws = await client.workspace_symbol_async(types.WorkspaceSymbolParams(query="putin"))
    assert ws


async def test_pull_diagnostics_and_hints(client: LanguageClient, seeds):
    uri, text = await open_doc(client, seeds, DOC)
    await settled(client, uri, "conflicting-claim")
    doc = types.TextDocumentIdentifier(uri=uri)
    report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(text_document=doc))
    assert any(d.code == "conflicting-claim" for d in report.items)
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(text_document=doc, range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=40, character=0)))
    )
    assert any("10,000" in h.label for h in hints)
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc))
    assert lenses
