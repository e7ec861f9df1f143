# Services with neither launch type nor strategy run on their cluster's default strategy, found
# by cluster name (a literal) or by reference; task definitions without requires_compatibilities.

variable "cluster_name" {
  type    = string
  default = "apps"
}

resource "aws_ecs_cluster" "apps" {
  name = var.cluster_name
}

# Joined by name: cluster_name is the same literal, not a reference.
resource "aws_ecs_cluster_capacity_providers" "apps" {
  cluster_name       = "apps"
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
}

# The older form: the strategy on the cluster itself (provider < 5.0).
resource "aws_ecs_cluster" "legacy" {
  name               = "legacy"
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
  }
}

# A mix with an Auto Scaling group provider: not Fargate-only.
resource "aws_ecs_cluster" "mixed" {
  name = "mixed"
}

resource "aws_ecs_cluster_capacity_providers" "mixed" {
  cluster_name       = aws_ecs_cluster.mixed.name
  capacity_providers = ["FARGATE", "asg"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
  }

  default_capacity_provider_strategy {
    capacity_provider = "asg"
  }
}

resource "aws_ecs_task_definition" "by_name" {
  family                = "by-name"
  network_mode          = "awsvpc"
  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", essential = true }])
}

resource "aws_ecs_task_definition" "legacy" {
  family                = "legacy"
  network_mode          = "awsvpc"
  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", essential = true }])
}

resource "aws_ecs_task_definition" "mixed" {
  family                = "mixed"
  network_mode          = "awsvpc"
  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", essential = true }])
}

resource "aws_ecs_service" "by_name" {
  name            = "by-name"
  cluster         = "arn:aws:ecs:eu-west-1:123456789012:cluster/apps"
  task_definition = aws_ecs_task_definition.by_name.arn
}

resource "aws_ecs_service" "legacy" {
  name            = "legacy"
  cluster         = aws_ecs_cluster.legacy.id
  task_definition = aws_ecs_task_definition.legacy.arn
}

resource "aws_ecs_service" "mixed" {
  name            = "mixed"
  cluster         = aws_ecs_cluster.mixed.id
  task_definition = aws_ecs_task_definition.mixed.arn
}
