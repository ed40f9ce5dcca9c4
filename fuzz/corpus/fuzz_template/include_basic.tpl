{% include '_partials/header.tpl' %}
body
{% include '_partials/footer.tpl' %}
