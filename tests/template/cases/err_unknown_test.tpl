{% if results.tlp is nosuchtest %}x{% endif %}
