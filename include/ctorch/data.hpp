// ctorch/data.hpp: datasets and the DataLoader (torch.utils.data), IDX files and Fashion-MNIST.
//
// Not part of <ctorch/ctorch.hpp>: the IDX reader uses zlib, so a program including this header links it
// (CMake: find_package(ZLIB REQUIRED) and target_link_libraries(app PRIVATE ZLIB::ZLIB); by hand: -lz).
#pragma once
#include "data/dataloader.hpp"
#include "data/dataset.hpp"
#include "data/fashion_mnist.hpp"
#include "data/idx.hpp"
