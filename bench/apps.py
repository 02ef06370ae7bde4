from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Scale data generator and benchmarks (no models)."""

    name = "bench"
    verbose_name = "性能测试"
