{% macro box(title) %}<{{ title }}>{{ caller() }}</{{ title }}>{% endmacro %}
{% call box('outer') %}{% call box('inner') %}{{ results.payloads }}{% endcall %}{% endcall %}

{% macro list_items(items) %}{% for i in items %}{{ caller(i, loop.index) }}{% endfor %}{% endmacro %}
{% call(item, n) list_items(['a', 'b']) %}{{ n }}={{ item }};{% endcall %}

