"""The hybrid search as a LangChain retriever: measures become Documents carrying their location."""
from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retrieval.models import Hit


def hit_to_document(hit: Hit) -> Document:
    m = hit.measure
    return Document(page_content=m.text, id=m.id, metadata={
        "id": m.id, "document": m.document, "title": m.title, "section": m.section, "chapter": m.chapter,
        "heading": m.heading, "units": list(m.units), "score": hit.score})


class PolicyRetriever(BaseRetriever):
    """``searcher`` is a HybridSearcher; ``extra_zh`` may carry a Chinese rendering of the query."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    searcher: object
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun,
                                **kwargs) -> list[Document]:
        hits = self.searcher.search(query, self.k, extra_zh=kwargs.get("extra_zh", ""))
        return [hit_to_document(h) for h in hits]
