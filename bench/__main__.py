"""Run every benchmark and print its figures."""

from bench import (
    app_export,
    chat_page,
    concurrency,
    data_layer,
    export_fidelity,
    first_slide,
    generation,
    history_page,
    judge_cost,
    layout_agreement,
    library_page,
    mcp_startup,
    offline_demo,
    pdf_export,
    profiles_page,
    startup,
    structure,
    verification,
)

if __name__ == "__main__":
    data_layer.main()
    generation.main()
    chat_page.main()
    first_slide.main()
    export_fidelity.main()
    pdf_export.main()
    library_page.main()
    history_page.main()
    profiles_page.main()
    startup.main()
    structure.main()
    mcp_startup.main()
    concurrency.main()
    offline_demo.main()
    verification.main()
    judge_cost.main()
    layout_agreement.main()
    app_export.main()
