"""The History page: filters, cards, dialogs, thumbnails and the state it keeps."""
