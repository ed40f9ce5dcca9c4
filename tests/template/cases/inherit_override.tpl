{% extends "_partials/layout_base.tpl" %}
{% set generator = 'a child template' %}
text outside blocks is dropped
{% block title %}Child report{% endblock %}
{% block entry %}* {{ r.filename|default('?')|upper }} #{{ loop.index }}{% endblock %}
