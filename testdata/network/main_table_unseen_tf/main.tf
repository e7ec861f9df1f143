# The subnet has no association, but an association whose subnet is a variable may be it.

variable "extra_subnet_id" {
  type = string
}

resource "aws_vpc" "a" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.a.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_route_table" "other" {
  vpc_id = aws_vpc.a.id
}

resource "aws_route_table_association" "extra" {
  subnet_id      = var.extra_subnet_id
  route_table_id = aws_route_table.other.id
}

resource "aws_ecs_service" "main_table" {
  name            = "main-table"
  task_definition = "app:1"
  launch_type     = "FARGATE"
  network_configuration {
    subnets = [aws_subnet.a.id]
  }
}
