"""Run every benchmark and print its figures."""

from bench import chat_page, data_layer, generation, startup

if __name__ == "__main__":
    data_layer.main()
    generation.main()
    chat_page.main()
    startup.main()
