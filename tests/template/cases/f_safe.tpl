{{ '<b>bold</b>'|safe }} {{ ('<i>'|safe)|e }} {{ '&amp;'|safe|length }}
