"""Run every benchmark and print its figures."""

from bench import chat_page, data_layer, generation, profiles_page

if __name__ == "__main__":
    data_layer.main()
    generation.main()
    chat_page.main()
    profiles_page.main()
