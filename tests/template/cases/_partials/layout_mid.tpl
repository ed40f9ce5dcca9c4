{% extends "_partials/layout_base.tpl" %}
{% block title %}Triage / {{ super() }}{% endblock %}
{% block footer %}{{ super() }} (triage){% endblock %}
